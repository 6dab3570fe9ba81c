"""CI output is an attack surface: content must not forge or silence annotations, break reports or
reach a terminal or spreadsheet as anything but text."""

from __future__ import annotations

import csv
import io
import json
import re
import xml.etree.ElementTree as ET

import pytest
import yaml

from honorroll.cli.ci_formats import codequality_issues, render_job_summary, render_junit
from honorroll.cli.report import csv_cell
from honorroll.diagnostics import Diagnostic, error
from tests.conftest import VALID_STORY, ContentRepo
from tests.hostile.helpers import run_cli

FORGED = [
    "x\n::error file=stories/2024/forged.md,line=1::伪造的注释",
    "x\r\n::stop-commands::silence",
    "x\n::add-mask::林某某",
    "x%0A::error::escaped newline",
    "x\n  ::warning title=a::indented",
]


def _story_with_value(repo: ContentRepo, value: str) -> None:
    """A story whose category (quoted back in the message) and an unknown key both carry ``value``."""
    data = {**VALID_STORY, "category": value, value: 1}
    repo.write_story(raw_front_matter=yaml.safe_dump(data, allow_unicode=True, sort_keys=False))


def _commands(out: str) -> list[str]:
    """Lines the GitHub runner reads as workflow commands (it trims leading whitespace)."""
    return [line.strip() for line in out.splitlines() if line.strip().startswith("::")]


def _unescape_data(text: str) -> str:
    return text.replace("%0D", "\r").replace("%0A", "\n").replace("%25", "%")


def _unescape_property(text: str) -> str:
    return _unescape_data(text.replace("%3A", ":").replace("%2C", ","))


@pytest.mark.parametrize("value", FORGED, ids=["error", "stop-commands", "add-mask", "escaped", "indented"])
def test_field_value_cannot_forge_or_silence_github_annotations(repo: ContentRepo, value: str) -> None:
    _story_with_value(repo, value)
    code, out = run_cli(repo, "check", "--format", "github")
    assert code == 1
    diagnostics = repo.check().diagnostics
    commands = _commands(out)
    # Exactly one annotation per diagnostic, each the diagnostic itself, and nothing else the runner would obey.
    assert len(commands) == len(diagnostics)
    for command, d in zip(commands, diagnostics, strict=True):
        match = re.fullmatch(r"::(error|warning) file=([^,]*),line=(\d+),title=([^:]*)::(.*)", command)
        assert match is not None, command
        assert (match.group(1), _unescape_property(match.group(2)), int(match.group(3))) == (
            "error" if d.is_error else "warning",
            d.file,
            d.line,
        )
        assert _unescape_data(match.group(5)) == d.message
        assert "\n" not in d.message and "\r" not in d.message
    assert sum(1 for c in commands if c.startswith("::error file=stories/2024/2024-lin-postman.md,")) == 2


def test_github_escaping_round_trips_as_the_runner_reads_it() -> None:
    d = error("schema", "stories/2024/a,b:c.md", 3, "tags[0]", "100% 完成：a,b::c")
    match = re.fullmatch(r"::error file=([^,]*),line=3,title=([^,:]*)::(.*)", d.format_github())
    assert match is not None
    assert _unescape_property(match.group(1)) == "stories/2024/a,b:c.md"
    assert _unescape_property(match.group(2)) == "tags[0]"
    assert _unescape_data(match.group(3)) == "100% 完成：a,b::c"


HIDDEN = "\x1b[2J\x07\u202e\u2066\x9b\r"


def _hostile_diagnostic() -> Diagnostic:
    return error("schema", f"stories/2024/a{HIDDEN}.md", 1, f"k{HIDDEN}", f"值“{HIDDEN}\n::error::x”无效")


def test_diagnostics_never_carry_control_or_bidi_characters() -> None:
    d = _hostile_diagnostic()
    for text in (
        d.file,
        d.field,
        d.message,
        d.format_text(),
        d.format_github(),
        json.dumps(d.to_json(), ensure_ascii=False),
    ):
        assert re.search("[\x00-\x08\x0a-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", text) is None, text
    assert "<U+202E>" in d.message and "\\n::error::x" in d.message


def test_terminal_output_shows_hidden_characters_instead_of_running_them(repo: ContentRepo) -> None:
    _story_with_value(repo, f"好人{HIDDEN}")
    code, out = run_cli(repo, "check", "--format", "text")
    assert code == 1
    assert re.search("[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]", out) is None
    assert "<U+001B>[2J<U+0007><U+202E><U+2066><U+009B>\\r" in out


def test_junit_stays_valid_xml_with_hostile_file_names_and_messages(repo: ContentRepo) -> None:
    repo.write_story()
    (repo.root / "units" / "bad\x01\x1b.yml").write_text("name: x\nkind: direct\n", encoding="utf-8")
    _story_with_value(repo, f"好人{HIDDEN}")
    result = repo.check()
    result.diagnostics.append(_hostile_diagnostic())
    root = ET.fromstring(render_junit(result))  # raises on a control character
    failures = root.findall(".//failure")
    assert len(failures) == len(result.errors)
    names = {case.get("file") for case in root.iter("testcase")}
    assert "units/bad<U+0001><U+001B>.yml" in names


def test_gitlab_report_and_json_carry_no_hidden_characters(repo: ContentRepo) -> None:
    _story_with_value(repo, f"好人{HIDDEN}")
    result = repo.check()
    text = json.dumps(codequality_issues(result.diagnostics), ensure_ascii=False)
    assert re.search("[\u202a-\u202e\u2066-\u2069\x80-\x9f]", text) is None
    _code, out = run_cli(repo, "check", "--format", "json")
    assert re.search("[\u202a-\u202e\u2066-\u2069\x80-\x9f]", out) is None and json.loads(out)["errors"] >= 1


def test_job_summary_shows_a_markdown_title_as_text(repo: ContentRepo) -> None:
    repo.write_story(changes={"title": "![跟踪](https://evil.example/p.png)<img src=x onerror=alert(1)>|x"})
    result = repo.check()
    result.diagnostics.append(error("schema", "stories/2024/2024-lin-postman.md", 1, "", "<script>|![a](//x)"))
    summary = render_job_summary(result, repo.root, "stories", None)
    assert "](https://evil" not in summary.replace("\\]", "")
    assert "<script>" not in summary and "<img" not in summary
    assert "&lt;" not in summary.replace("\\<", "")  # escaped with backslashes, readable as text
    assert "\\<script\\>\\|\\!\\[a\\]\\(//x\\)" in summary


@pytest.mark.parametrize(
    "name", ['=HYPERLINK("https://evil.example","点我")', "+1+1", "-2+3", "@SUM(A1)", "\t=1", "＝1+1"]
)
def test_unit_name_never_reaches_a_csv_report_as_a_formula(repo: ContentRepo, name: str) -> None:
    repo.write_unit("city-postal", {"name": name, "kind": "direct"})
    repo.write_story()
    code, out = run_cli(repo, "report", "--format", "csv")
    assert code == 0
    rows = list(csv.reader(io.StringIO(out.lstrip("\ufeff"))))
    cells = [row[1] for row in rows[1:] if row[2] == "city-postal"]
    assert cells and all(cell == "'" + name.strip() for cell in cells)


def test_plain_and_numeric_csv_cells_are_unchanged() -> None:
    assert [csv_cell(c) for c in ("市邮政管理局", "2024", -1, 0, "")] == ["市邮政管理局", "2024", "-1", "0", ""]
