"""The quota report and the year-end assessment in the formats people use: terminal, JSON, Markdown and CSV."""

from __future__ import annotations

import csv
import datetime as dt
import io
import json
import unicodedata
from collections.abc import Sequence
from decimal import Decimal

from honorroll.config import AssessmentConfig, HonorRollConfig
from honorroll.diagnostics import markdown_cell, spreadsheet_text
from honorroll.rules.assessment import ActivityTotals, Assessment, UnitScore
from honorroll.rules.quota import STATUS_LABELS, QuotaRow

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


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    table = [list(headers)] + [list(r) for r in rows]
    widths = [max(_width(line[i]) for line in table) for i in range(len(headers))]
    lines = ["  ".join(_pad(cell, widths[i]) for i, cell in enumerate(line)).rstrip() for line in table]
    lines.insert(1, "  ".join("-" * w for w in widths))
    return "\n".join(lines) + "\n"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "|".join("---" for _ in headers) + "|"]
    lines += ["| " + " | ".join(markdown_cell(c) for c in r) + " |" for r in rows]
    return "\n".join(lines) + "\n"


def csv_cell(value: object) -> str:
    """A spreadsheet cell that is never read as a formula.

    Text from content (unit names, reasons, titles) could start with = + - @ (or a tab or carriage
    return, which some spreadsheets skip before such a sign); a leading apostrophe keeps it text.
    Numbers the report itself computes are written as they are, so they stay numbers.
    """
    if isinstance(value, (int, Decimal)) and not isinstance(value, bool):
        return _num(value)
    return spreadsheet_text(str(value))


def csv_document(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> str:
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(headers)
    writer.writerows([csv_cell(cell) for cell in row] for row in rows)
    # A byte-order mark lets Excel open the Chinese text correctly.
    return "\ufeff" + buffer.getvalue()


def render_table(rows: Sequence[QuotaRow]) -> str:
    return text_table(HEADERS, [_cells(r) for r in rows])


def render_markdown(rows: Sequence[QuotaRow]) -> str:
    return markdown_table(HEADERS, [_cells(r) for r in rows])


def render_csv(rows: Sequence[QuotaRow]) -> str:
    return csv_document(HEADERS, [_cells(r) for r in rows])


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


# ---------------------------------------------------------------- the year-end assessment

RANK_HEADERS = ["名次", "单位", "编号", "总分", "已发布", "任务数", "任务状态", "活动场次", "线下人次", "线上观看量"]
LINE_HEADERS = ["名次", "单位", "项目", "数量", "每项分值", "小计", "明细"]
ACTIVITY_HEADERS = ["单位", "线下活动（场次）", "覆盖人次", "线上发布（则）", "观看量"]
KIND_HEADERS = ["活动形式", "线下/线上", "场次或则数", "人次或观看量"]
CSV_HEADERS = [
    "年度", "名次", "单位", "编号", "总分", "项目", "数量", "每项分值", "小计", "明细",
    "线下活动场次", "覆盖人次", "线上发布则数", "观看量",
]  # fmt: skip
PROGRAMME_ROW = "全部单位（合计）"


def _num(value: int | Decimal) -> str:
    if isinstance(value, int):
        return str(value)
    return str(int(value)) if value == value.to_integral_value() else format(value.normalize(), "f")


def _signed(value: Decimal) -> str:
    return ("+" if value > 0 else "") + _num(value)


def _count(n: int) -> str:
    return f"{n:,}"


def scoring_text(scoring: AssessmentConfig, settings: HonorRollConfig) -> str:
    """The scoring settings in words, printed with every assessment: they are a policy, not a fact."""
    parts = [
        f"已发布故事每个 {_num(Decimal(str(scoring.published_story)))} 分",
        f"超出任务数的故事每个另加 {_num(Decimal(str(scoring.above_quota_story)))} 分",
        "当年获得的荣誉："
        + "、".join(
            f"{label} {_num(Decimal(str(scoring.honor.get(level, 0))))} 分"
            for level, label in settings.honor_levels.items()
        ),
        f"每场活动 {_num(Decimal(str(scoring.activity)))} 分",
    ]
    for word, bands, unit in (("线下活动", scoring.audience_bands, "人次"), ("线上活动", scoring.view_bands, "次观看")):
        if bands:
            lows = "/".join(_count(b.min) for b in bands)
            gains = "/".join(_num(Decimal(str(b.points))) for b in bands)
            parts.append(f"{word}达到 {lows} {unit}另加 {gains} 分（取最高一档）")
    parts.append(
        f"截止日已过仍未完成任务数的，每差 1 个扣 {_num(Decimal(str(scoring.shortfall_unrecorded)))} 分"
        f"（已在单位文件中记录原因的扣 {_num(Decimal(str(scoring.shortfall_recorded)))} 分）"
    )
    return "计分办法（站点设置 assessment）：" + "；".join(parts) + "。"


def summary_sentence(assessment: Assessment, programme_name: str) -> str:
    """The year in the words of a yearly work summary."""
    p = assessment.programme
    return (
        f"{assessment.year} 年，“{programme_name}”活动发布身边故事 {_count(assessment.published_stories)} 个，"
        f"获评各级荣誉 {_count(assessment.honors)} 项；累计开展线下宣传活动 {_count(p.offline)} 场次，"
        f"覆盖群众 {_count(p.audience)} 人次；线上发布宣讲及视频 {_count(p.online)} 则，累计观看量 {_count(p.views)} 人次。"
    )


def _rank_cells(u: UnitScore) -> list[str]:
    a = u.activities
    return [
        str(u.rank), u.unit_name, u.unit, _num(u.score), str(u.quota.published), str(u.quota.quota),
        STATUS_LABELS[u.quota.status], str(a.offline + a.online), _count(a.audience), _count(a.views),
    ]  # fmt: skip


def _line_rows(units: Sequence[UnitScore]) -> list[list[str]]:
    rows = []
    for u in units:
        if not u.lines:
            rows.append([str(u.rank), u.unit_name, "（无得分项）", "", "", "0", ""])
        for i, line in enumerate(u.lines):
            first = i == 0
            rows.append(
                [
                    str(u.rank) if first else "",
                    u.unit_name if first else "",
                    line.label,
                    str(line.count),
                    _signed(line.points_each),
                    _signed(line.points),
                    "、".join(line.detail),
                ]
            )
    return rows


def _activity_cells(name: str, a: ActivityTotals) -> list[str]:
    return [name, _count(a.offline), _count(a.audience), _count(a.online), _count(a.views)]


def _activity_rows(assessment: Assessment, units: Sequence[UnitScore]) -> list[list[str]]:
    rows = [_activity_cells(u.unit_name, u.activities) for u in sorted(units, key=lambda u: u.unit)]
    return [*rows, _activity_cells(PROGRAMME_ROW, assessment.programme)]


def _kind_rows(assessment: Assessment) -> list[list[str]]:
    return [
        [k.kind, "线上" if k.mode == "online" else "线下", _count(k.count), _count(k.reach)] for k in assessment.by_kind
    ]


def _heading(assessment: Assessment) -> str:
    state = "年度已结束" if assessment.closed else "年度未结束"
    return f"{assessment.year} 年度考评（{state}，统计至 {assessment.today}）"


def _notes(assessment: Assessment) -> list[str]:
    notes = list(assessment.notes)
    if assessment.errors:
        notes.append(f"内容检查发现 {assessment.errors} 个错误，得分可能不准确：请先运行 honorroll check 并改正")
    notes.append(f"“{PROGRAMME_ROW}”包括没有任务数的单位组织的活动；系统内单位的故事和活动计入所属系统")
    return notes


def render_assessment_text(a: Assessment, units: Sequence[UnitScore], settings: HonorRollConfig) -> str:
    parts = [_heading(a), scoring_text(a.scoring, settings), *(f"注意：{n}" for n in _notes(a)), ""]
    parts += ["排名", text_table(RANK_HEADERS, [_rank_cells(u) for u in units])]
    parts += ["得分明细", text_table(LINE_HEADERS, _line_rows(units))]
    parts += ["活动汇总", text_table(ACTIVITY_HEADERS, _activity_rows(a, units))]
    if a.by_kind:
        parts += ["按活动形式", text_table(KIND_HEADERS, _kind_rows(a))]
    parts.append(summary_sentence(a, settings.programme_name))
    return "\n".join(parts) + "\n"


def render_assessment_markdown(a: Assessment, units: Sequence[UnitScore], settings: HonorRollConfig) -> str:
    parts = [f"## {_heading(a)}", "", scoring_text(a.scoring, settings), ""]
    parts += [f"> {n}" for n in _notes(a)]
    parts += ["", "### 排名", "", markdown_table(RANK_HEADERS, [_rank_cells(u) for u in units])]
    parts += ["### 得分明细", "", markdown_table(LINE_HEADERS, _line_rows(units))]
    parts += ["### 活动汇总", "", markdown_table(ACTIVITY_HEADERS, _activity_rows(a, units))]
    if a.by_kind:
        parts += ["### 按活动形式", "", markdown_table(KIND_HEADERS, _kind_rows(a))]
    parts.append(summary_sentence(a, settings.programme_name))
    return "\n".join(parts) + "\n"


def render_assessment_csv(a: Assessment, units: Sequence[UnitScore]) -> str:
    rows: list[list[object]] = []
    for u in units:
        t = u.activities
        unit_cells: list[object] = [a.year, u.rank, u.unit_name, u.unit, u.score]
        totals: list[object] = [t.offline, t.audience, t.online, t.views]
        lines = u.lines or []
        if not lines:
            rows.append([*unit_cells, "", "", "", "", "", *totals])
        for line in lines:
            detail = "、".join(line.detail)
            rows.append([*unit_cells, line.label, line.count, line.points_each, line.points, detail, *totals])
    p = a.programme
    rows.append([a.year, "", PROGRAMME_ROW, "", "", "", "", "", "", "", p.offline, p.audience, p.online, p.views])
    return csv_document(CSV_HEADERS, rows)


def _json_number(value: Decimal) -> int | float:
    return int(value) if value == value.to_integral_value() else float(value)


def assessment_json(a: Assessment, units: Sequence[UnitScore], settings: HonorRollConfig) -> dict[str, object]:
    def totals(t: ActivityTotals) -> dict[str, int]:
        return {"offline": t.offline, "audience": t.audience, "online": t.online, "views": t.views}

    return {
        "year": a.year,
        "today": a.today.isoformat(),
        "closed": a.closed,
        "errors": a.errors,
        "notes": _notes(a),
        "scoring": json.loads(json.dumps(a.scoring, default=dict)),
        "scoring_text": scoring_text(a.scoring, settings),
        "units": [
            {
                "rank": u.rank,
                "unit": u.unit,
                "unit_name": u.unit_name,
                "kind": u.kind,
                "score": _json_number(u.score),
                "published": u.quota.published,
                "quota": u.quota.quota,
                "quota_status": u.quota.status,
                "lines": [
                    {
                        "item": line.item,
                        "label": line.label,
                        "count": line.count,
                        "points_each": _json_number(line.points_each),
                        "points": _json_number(line.points),
                        "detail": list(line.detail),
                    }
                    for line in u.lines
                ],
                "activities": totals(u.activities),
            }
            for u in units
        ],
        "programme": {
            **totals(a.programme),
            "published_stories": a.published_stories,
            "honors": a.honors,
            "by_kind": [{"kind": k.kind, "mode": k.mode, "count": k.count, "reach": k.reach} for k in a.by_kind],
            "summary": summary_sentence(a, settings.programme_name),
        },
    }


def render_assessment(a: Assessment, fmt: str, settings: HonorRollConfig, unit: str | None = None) -> str:
    """The assessment in one format; ``unit`` narrows the listed units (ranks stay those of all units)."""
    units = [u for u in a.units if unit is None or u.unit == unit]
    if fmt == "json":
        return json.dumps(assessment_json(a, units, settings), ensure_ascii=False, indent=2) + "\n"
    if fmt == "markdown":
        return render_assessment_markdown(a, units, settings)
    if fmt == "csv":
        return render_assessment_csv(a, units)
    return render_assessment_text(a, units, settings)
