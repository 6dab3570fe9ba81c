"""The quota report in the formats people use: terminal, JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import re
import unicodedata
from collections.abc import Sequence

from .quota import QuotaRow

HEADERS = ["年度", "单位", "编号", "已发布", "任务数", "还差", "公示中", "状态", "说明"]


def _cells(row: QuotaRow) -> list[str]:
    if row.status == "open":
        note = f"距截止日还有 {row.days_left} 天"
    elif row.status == "recorded":
        note = row.shortfall_reason or ""
    elif row.status == "short":
        note = f"截止日 {row.deadline} 已过"
    else:
        note = ""
    return [
        str(row.year),
        row.unit_name,
        row.unit,
        str(row.published),
        str(row.quota),
        str(row.missing),
        str(row.under_notice),
        row.status_label,
        note,
    ]


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * (width - _width(text))


def render_table(rows: Sequence[QuotaRow]) -> str:
    table = [HEADERS] + [_cells(r) for r in rows]
    widths = [max(_width(line[i]) for line in table) for i in range(len(HEADERS))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def render_markdown(rows: Sequence[QuotaRow]) -> str:
    def esc(text: str) -> str:
        return text.replace("|", "\\|")

    lines = ["| " + " | ".join(HEADERS) + " |", "|" + "|".join("---" for _ in HEADERS) + "|"]
    lines += ["| " + " | ".join(esc(c) for c in _cells(r)) + " |" for r in rows]
    return "\n".join(lines) + "\n"


_FORMULA_START = ("=", "+", "-", "@", "\t", "\r", "＝", "＋", "－", "＠")
_NUMBER = re.compile(r"^-?\d+(?:\.\d+)?$")


def csv_cell(text: str) -> str:
    """A cell a spreadsheet shows as text: one starting like a formula gets a leading apostrophe (OWASP)."""
    if text.startswith(_FORMULA_START) and not _NUMBER.match(text):
        return "'" + text
    return text


def render_csv(rows: Sequence[QuotaRow]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(HEADERS)
    writer.writerows([csv_cell(cell) for cell in _cells(r)] for r in rows)
    # A byte-order mark lets Excel open the Chinese text correctly.
    return "\ufeff" + buffer.getvalue()


def render_quota_report(rows: Sequence[QuotaRow], fmt: str, today: dt.date) -> str:
    if fmt == "json":
        return (
            json.dumps({"today": today.isoformat(), "rows": [r.to_json() for r in rows]}, ensure_ascii=False, indent=2)
            + "\n"
        )
    if fmt == "markdown":
        return render_markdown(rows)
    if fmt == "csv":
        return render_csv(rows)
    return render_table(rows)
