"""Reports for CI systems: JUnit XML, GitLab Code Quality, the job summary and --output."""

from __future__ import annotations

import io
import json
import subprocess
import xml.etree.ElementTree as ET
from pathlib import Path

from honorroll.cli.ci_formats import codequality_issues, render_job_summary, render_junit
from honorroll.cli.main import main
from tests.conftest import ContentRepo


def _broken(repo: ContentRepo) -> None:
    repo.write_story()
    repo.write_story("second", changes={"sumary": "x", "category": "好人"})
    repo.write_story("third", body="电话 13812345678。\n")


def test_junit_has_one_failure_per_error(repo: ContentRepo) -> None:
    _broken(repo)
    result = repo.check()
    root = ET.fromstring(render_junit(result))
    suite = root.find("testsuite")
    assert suite is not None
    failures = suite.findall("testcase/failure")
    assert len(failures) == len(result.errors) == 3
    assert suite.get("failures") == "3" and int(suite.get("tests", "0")) == len(suite.findall("testcase"))
    assert {f.get("type") for f in failures} == {"schema", "privacy"}
    failing = [c for c in suite.findall("testcase") if c.find("failure") is not None]
    assert {c.get("file") for c in failing} == {"stories/2024/second.md", "stories/2024/third.md"}
    passing = {c.get("name") for c in suite.findall("testcase") if c.find("failure") is None}
    assert "stories/2024/2024-lin-postman.md" in passing and "units/city-postal.yml" in passing


def test_junit_of_a_clean_repository_has_no_failures(repo: ContentRepo) -> None:
    repo.write_story()
    root = ET.fromstring(render_junit(repo.check()))
    assert root.findall(".//failure") == [] and root.findall(".//testcase")


def test_codequality_fields(repo: ContentRepo) -> None:
    _broken(repo)
    result = repo.check()
    issues = codequality_issues(result.diagnostics)
    assert len(issues) == len(result.diagnostics)
    for issue in issues:
        assert set(issue) >= {"description", "check_name", "fingerprint", "severity", "location"}
        assert issue["severity"] in {"info", "minor", "major", "critical", "blocker"}
        location = issue["location"]
        assert isinstance(location, dict) and isinstance(location["lines"]["begin"], int)
        assert str(location["path"]).startswith(("stories/", "units/"))
    assert len({i["fingerprint"] for i in issues}) == len(issues)
    privacy = next(i for i in issues if i["check_name"] == "honorroll/privacy")
    assert privacy["severity"] == "major" and "手机号码" in str(privacy["description"])


def _main(repo: ContentRepo, *args: str) -> tuple[int, str]:
    out = io.StringIO()
    code = main(["-f", str(repo.write_config()), "check", *args], out=out)
    return code, out.getvalue()


def test_output_writes_the_report_and_still_prints_text(repo: ContentRepo, tmp_path: Path) -> None:
    _broken(repo)
    junit, quality = tmp_path / "junit.xml", tmp_path / "cq.json"
    code, out = _main(repo, "--format", "junit", "--output", str(junit))
    assert code == 1 and "发现 3 个错误" in out and "<testsuite" not in out
    assert len(ET.parse(junit).getroot().findall(".//failure")) == 3
    code, out = _main(repo, "--format", "codequality", "--output", str(quality))
    assert code == 1 and "发现 3 个错误" in out
    issues = json.loads(quality.read_text(encoding="utf-8"))
    assert sum(i["severity"] == "major" for i in issues) == 3 and len(issues) == len(repo.check().diagnostics)


def test_format_without_output_prints_the_document(repo: ContentRepo) -> None:
    _broken(repo)
    _code, out = _main(repo, "--format", "codequality")
    assert sum(i["severity"] == "major" for i in json.loads(out)) == 3


def test_summary_appends_markdown_with_quotas_and_changes(repo: ContentRepo, tmp_path: Path) -> None:
    def git(*args: str) -> None:
        subprocess.run(["git", "-C", str(repo.root), *args], check=True, capture_output=True)

    repo.write_story()
    git("init", "-q")
    git("config", "user.email", "t@example.org")
    git("config", "user.name", "t")
    git("add", ".")
    git("commit", "-qm", "base")
    repo.write_story("2024-new-one", changes={"title": "新来的故事"})
    summary = tmp_path / "summary.md"
    summary.write_text("# 之前的内容\n", encoding="utf-8")
    code, _out = _main(repo, "--base", "HEAD", "--summary", str(summary))
    text = summary.read_text(encoding="utf-8")
    assert code == 0
    assert text.startswith("# 之前的内容\n") and "✅" in text
    assert "| 新增 | `stories/2024/2024-new-one.md` | 新来的故事 | city-postal | 已发布 |" in text
    assert "| 年度 | 单位 | 编号 | 已发布 |" in text


def test_summary_lists_problems(repo: ContentRepo) -> None:
    _broken(repo)
    result = repo.check()
    text = render_job_summary(result, repo.root, "stories", None)
    assert "❌" in text and "`stories/2024/third.md:" in text and "--base" in text
