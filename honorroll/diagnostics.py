"""Problems found in content, and the ways they are shown to editors and CI."""

from __future__ import annotations

import enum
import json
import re
from collections.abc import Iterable
from dataclasses import asdict, dataclass


class Severity(enum.StrEnum):
    ERROR = "error"
    WARNING = "warning"

    @property
    def label(self) -> str:
        return "错误" if self is Severity.ERROR else "警告"


@dataclass(frozen=True)  # no slots: plain instances unpickle from the cache several times faster
class Diagnostic:
    severity: Severity
    rule: str
    """Short rule id (``schema``, ``process``, ``quota`` …), stable for tools and tests."""
    file: str
    """Path relative to the content repository, with forward slashes."""
    line: int
    field: str
    """Dotted field path (``process.notice.end``), or ``""`` for the whole file."""
    message: str
    """What is wrong and what to do, in Chinese."""

    def __post_init__(self) -> None:
        # Text from content (file names, field values quoted in messages) reaches terminals, CI logs
        # and reports: a line break there could forge a CI command, a bidi override could reorder it.
        for name in ("rule", "file", "field", "message"):
            value = getattr(self, name)
            if _UNPRINTABLE.search(value):
                object.__setattr__(self, name, printable(value))

    @property
    def is_error(self) -> bool:
        return self.severity is Severity.ERROR

    def format_text(self) -> str:
        where = f"{self.file}:{self.line}"
        field = f"[{self.field}] " if self.field else ""
        return f"{where}: {self.severity.label} {field}{self.message}"

    def format_github(self) -> str:
        """A GitHub Actions workflow command; Gitea Actions understands the same."""
        level = "error" if self.is_error else "warning"
        title = _escape_property(self.field or self.rule)
        return (
            f"::{level} file={_escape_property(self.file)},line={self.line},title={title}::{_escape_data(self.message)}"
        )

    def to_json(self) -> dict[str, object]:
        data = asdict(self)
        data["severity"] = self.severity.value
        return data


_UNPRINTABLE = re.compile("[\x00-\x08\x0a-\x1f\x7f-\x9f\u061c\u200e\u200f\u2028-\u202e\u2066-\u2069]")
_SHOWN = {"\n": "\\n", "\r": "\\r"}


def printable(text: str) -> str:
    """``text`` with control characters, line breaks and bidi controls shown as ``\\n`` or ``<U+202E>``."""
    return _UNPRINTABLE.sub(lambda m: _SHOWN.get(m.group(), f"<U+{ord(m.group()):04X}>"), text)


_MARKDOWN_ACTIVE = re.compile(r"([\\`*_\[\]()<>!|#~])")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
"""What makes a spreadsheet run a cell as a formula (full-width signs too: some normalise them first)."""


def markdown_cell(text: str) -> str:
    """Content as literal text in a Markdown table cell: no links, images, HTML or broken rows."""
    return _MARKDOWN_ACTIVE.sub(r"\\\1", printable(text)).replace("&", "&amp;")


def spreadsheet_text(text: str) -> str:
    """Content as a spreadsheet cell that is never read as a formula: a leading apostrophe keeps it text."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _escape_data(text: str) -> str:
    # As GitHub's toolkit escapes command data (@actions/core escapeData).
    return text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(text: str) -> str:
    # As the toolkit escapes properties: a ":" or "," could otherwise end the property early.
    return _escape_data(text).replace(":", "%3A").replace(",", "%2C")


def error(rule: str, file: str, line: int, field: str, message: str) -> Diagnostic:
    return Diagnostic(Severity.ERROR, rule, file, line, field, message)


def warning(rule: str, file: str, line: int, field: str, message: str) -> Diagnostic:
    return Diagnostic(Severity.WARNING, rule, file, line, field, message)


def sort_key(diagnostic: Diagnostic) -> tuple[str, int, str, str]:
    return (diagnostic.file, diagnostic.line, diagnostic.field, diagnostic.message)


def summary_line(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    errors = sum(1 for d in items if d.is_error)
    warnings = len(items) - errors
    if errors:
        return f"发现 {errors} 个错误、{warnings} 个警告。请按上面的提示逐条修改后重新检查。"
    if warnings:
        return f"检查通过，另有 {warnings} 个警告。"
    return "检查通过，没有发现问题。"


def to_json_document(diagnostics: Iterable[Diagnostic]) -> str:
    items = list(diagnostics)
    return json.dumps(
        {
            "errors": sum(1 for d in items if d.is_error),
            "warnings": sum(1 for d in items if not d.is_error),
            "diagnostics": [d.to_json() for d in items],
        },
        ensure_ascii=False,
        indent=2,
    )
