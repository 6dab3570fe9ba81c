"""Reports of ``honorroll check`` for CI systems: JUnit XML, GitLab Code Quality and job summaries.

Each is a pure function of the check result, so the CLI only chooses which to write where.
"""

from __future__ import annotations

import hashlib
import json
import re
import subprocess
import xml.etree.ElementTree as ET
from collections import Counter
from collections.abc import Iterable, Sequence
from pathlib import Path

from honorroll.check.run import CheckResult
from honorroll.cli.report import render_markdown
from honorroll.content.schema import STATUS_LABELS
from honorroll.diagnostics import Diagnostic, markdown_cell, printable, summary_line

SUITE_NAME = "honorroll check"


def checked_files(result: CheckResult) -> list[str]:
    """Every file the check read (units and stories) plus any file a diagnostic names."""
    files = {unit.file for unit in result.archive.units.values()}
    files.update(story.file for story in result.archive.stories)
    files.update(d.file for d in result.diagnostics)
    return sorted(files)


_NOT_XML = re.compile("[^\t\n\r\x20-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff]")


def _xml(text: str) -> str:
    """Text XML 1.0 can carry: a character it cannot (a control character) is shown as ``<U+0007>``."""
    return _NOT_XML.sub(lambda m: f"<U+{ord(m.group()):04X}>", printable(text))


def _case_name(diagnostic: Diagnostic) -> str:
    field = f" [{diagnostic.field}]" if diagnostic.field else ""
    return f"{diagnostic.file}:{diagnostic.line}{field}"


def render_junit(result: CheckResult) -> str:
    """JUnit XML: one failing test case per error, one passing test case per file without errors.

    Warnings are attached to their file's test case as ``system-out`` so they stay visible
    without failing the pipeline.
    """
    diagnostics = result.diagnostics
    errors = [d for d in diagnostics if d.is_error]
    by_file: dict[str, list[Diagnostic]] = {}
    for d in diagnostics:
        if not d.is_error:
            by_file.setdefault(d.file, []).append(d)
    files_with_errors = {d.file for d in errors}
    clean_files = [f for f in checked_files(result) if f not in files_with_errors]

    suites = ET.Element("testsuites", name=SUITE_NAME)
    suite = ET.SubElement(
        suites,
        "testsuite",
        name=SUITE_NAME,
        tests=str(len(errors) + len(clean_files)),
        failures=str(len(errors)),
        errors="0",
        skipped="0",
        timestamp=result.today.isoformat(),
    )
    for d in errors:
        case = ET.SubElement(
            suite,
            "testcase",
            classname=_xml(f"honorroll.{d.rule}"),
            name=_xml(_case_name(d)),
            file=_xml(d.file),
            line=str(d.line),
        )
        failure = ET.SubElement(case, "failure", type=_xml(d.rule), message=_xml(d.message))
        failure.text = _xml(d.format_text())
    for file in clean_files:
        case = ET.SubElement(suite, "testcase", classname="honorroll.file", name=_xml(file), file=_xml(file))
        notes = by_file.get(file)
        if notes:
            ET.SubElement(case, "system-out").text = "\n".join(_xml(d.format_text()) for d in notes)
    ET.SubElement(suite, "system-out").text = summary_line(diagnostics)
    ET.indent(suites)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(suites, encoding="unicode") + "\n"


def _fingerprint(d: Diagnostic, seen: Counter[str]) -> str:
    # No line number: moving a story's lines around must not look like a new problem.
    key = "\x1f".join((d.rule, d.file, d.field, d.message))
    seen[key] += 1
    if seen[key] > 1:
        key += f"\x1f{seen[key]}"
    return hashlib.sha256(key.encode("utf-8")).hexdigest()


def codequality_issues(diagnostics: Iterable[Diagnostic]) -> list[dict[str, object]]:
    """GitLab Code Quality report entries (a subset of the Code Climate issue format)."""
    seen: Counter[str] = Counter()
    issues: list[dict[str, object]] = []
    for d in diagnostics:
        field = f"[{d.field}] " if d.field else ""
        issues.append(
            {
                "type": "issue",
                "check_name": f"honorroll/{d.rule}",
                "description": f"{d.severity.label}：{field}{d.message}",
                "categories": ["Style"],
                "severity": "major" if d.is_error else "minor",
                "fingerprint": _fingerprint(d, seen),
                "location": {"path": d.file, "lines": {"begin": d.line}},
            }
        )
    return issues


def render_codequality(result: CheckResult) -> str:
    return json.dumps(codequality_issues(result.diagnostics), ensure_ascii=False, indent=2) + "\n"


# --- job summary ------------------------------------------------------------------------


def changed_story_files(root: Path, stories_dir: str, base_ref: str) -> list[tuple[str, str]]:
    """(status letter, path) of story files that differ between ``base_ref`` and the working tree."""
    proc = subprocess.run(
        ["git", "-C", str(root), "diff", "--relative", "--name-status", "--no-renames", base_ref, "--", stories_dir],
        capture_output=True,
        text=True,
        check=False,
    )
    if proc.returncode != 0:
        return []
    changes = []
    for line in proc.stdout.splitlines():
        status, _, path = line.partition("\t")
        if path.endswith(".md"):
            changes.append((status[:1], path))
    untracked = subprocess.run(
        ["git", "-C", str(root), "ls-files", "--others", "--exclude-standard", "--", stories_dir],
        capture_output=True,
        text=True,
        check=False,
    )
    changes += [("A", path) for path in untracked.stdout.splitlines() if path.endswith(".md")]
    return sorted(changes, key=lambda change: change[1])


def _code(text: str) -> str:
    """Content inside a Markdown code span, where backslash escapes do not apply."""
    return printable(text).replace("`", "'").replace("|", "\\|")


_CHANGE_LABELS = {"A": "新增", "M": "修改", "D": "删除"}


def render_job_summary(
    result: CheckResult, root: Path, stories_dir: str, base_ref: str | None, *, max_rows: int = 50
) -> str:
    """Markdown for ``$GITHUB_STEP_SUMMARY``: the verdict, the problems, what the change adds, the quotas."""
    errors, warnings = result.errors, result.warnings
    icon = "❌" if errors else "✅"
    out = [f"## {icon} 光荣榜内容检查（{result.today}）", "", summary_line(result.diagnostics), ""]
    if result.diagnostics:
        out += ["### 问题", "", "| 级别 | 位置 | 规则 | 字段 | 说明 |", "|---|---|---|---|---|"]
        for d in (errors + warnings)[:max_rows]:
            out.append(
                f"| {d.severity.label} | `{_code(d.file)}:{d.line}` | {d.rule} | {markdown_cell(d.field)} | {markdown_cell(d.message)} |"
            )
        if len(result.diagnostics) > max_rows:
            out.append(f"\n另有 {len(result.diagnostics) - max_rows} 条未列出，请看检查日志。")
        out.append("")
    out += _change_section(result, root, stories_dir, base_ref)
    out += ["### 各单位任务数", "", render_markdown(result.quotas)]
    return "\n".join(out) + "\n"


def _change_section(result: CheckResult, root: Path, stories_dir: str, base_ref: str | None) -> list[str]:
    if not base_ref:
        return ["### 本次改动", "", "没有指定比较的版本（--base），不列出本次改动的故事。", ""]
    changes = changed_story_files(root, stories_dir, base_ref)
    stories = {s.file: s for s in result.archive.stories}
    lines = ["### 本次改动", "", f"与 `{base_ref}` 相比：", ""]
    if not changes:
        return [*lines, "没有改动故事。", ""]
    lines += ["| 改动 | 文件 | 标题 | 单位 | 状态 |", "|---|---|---|---|---|"]
    for status, path in changes:
        story = stories.get(path)
        title = markdown_cell(story.title or "") if story else ""
        unit = story.unit or "" if story else ""
        state = STATUS_LABELS.get(story.status or "", story.status or "") if story else ""
        lines.append(f"| {_CHANGE_LABELS.get(status, status)} | `{_code(path)}` | {title} | {unit} | {state} |")
    counts = Counter(status for status, _ in changes)
    added = ", ".join(f"{_CHANGE_LABELS.get(k, k)} {v} 个" for k, v in sorted(counts.items()))
    return [*lines, "", f"合计：{added}。", ""]


def append_summary(path: Path, text: str) -> None:
    with path.open("a", encoding="utf-8") as handle:
        handle.write(text)


def render_check(result: CheckResult, fmt: str) -> str:
    """The file-report formats that are a single document."""
    if fmt == "junit":
        return render_junit(result)
    if fmt == "codequality":
        return render_codequality(result)
    raise ValueError(fmt)


FILE_FORMATS: Sequence[str] = ("junit", "codequality")
