"""The front-matter schema of stories and units, declared once.

The same declaration checks editors' files (with Chinese messages and typo suggestions)
and is exported as JSON Schema for editors' tools, so the two can never disagree.
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from honorroll.config import HonorRollConfig

Path = tuple[str | int, ...]
ID_PATTERN = re.compile(r"^[a-z0-9]+(?:-[a-z0-9]+)*$")
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
FORBIDDEN_CHARACTERS = re.compile(
    "[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069\ufdd0-\ufdef\ufffe\uffff]"
    "|[\U0001fffe\U0001ffff\U0002fffe\U0002ffff\U000efffe\U000effff\U0010fffe\U0010ffff]"
)
"""Never legitimate in a field: C0/C1 control characters (Tab and line feed aside), the bidi
overrides and isolates that reorder what a reader or a terminal shows ("Trojan Source"), and the
Unicode noncharacters (U+FFFE, U+FFFF …) that XML forbids: one would make the feed unreadable."""

STATUS_LABELS = {"notice": "公示中", "published": "已发布", "withdrawn": "已撤下"}
SUBJECT_TYPE_LABELS = {"individual": "个人", "collective": "集体"}
UNIT_KIND_LABELS = {"system": "市直系统", "direct": "直属单位", "member": "系统内单位"}


@dataclass(frozen=True)
class Spec:
    """One field: its type, whether it is required, and the words editors see."""

    kind: str  # str | int | bool | date | map | list | dict (free keys)
    label: str
    required: bool = False
    choices: Mapping[str, str] | None = None  # value -> Chinese label
    fields: Mapping[str, Spec] = field(default_factory=dict)
    item: Spec | None = None
    max_length: int | None = None
    minimum: int | None = None
    pattern: re.Pattern[str] | None = None
    pattern_hint: str = ""
    key: Spec | None = None  # for kind "dict": the spec of keys


@dataclass(frozen=True, slots=True)
class Issue:
    path: Path
    message: str


def _s(label: str, **kw: Any) -> Spec:
    return Spec("str", label, **kw)


def _d(label: str, **kw: Any) -> Spec:
    return Spec("date", label, **kw)


def story_schema(settings: HonorRollConfig) -> Spec:
    honor = Spec(
        "map",
        "荣誉",
        fields={
            "title": _s("荣誉称号", required=True, choices={t: t for t in settings.honor_titles}),
            "level": _s("级别", required=True, choices=dict(settings.honor_levels)),
            "year": Spec("int", "获评年份", required=True, minimum=1949),
        },
    )
    photo = Spec(
        "map",
        "封面照片",
        fields={"src": _s("照片文件名", required=True), "alt": _s("替代文字（描述照片内容，必填）")},
    )
    return Spec(
        "map",
        "故事",
        fields={
            "title": _s("标题", required=True, max_length=60),
            "subject": Spec(
                "map",
                "故事主体",
                required=True,
                fields={
                    "type": _s("主体类型", required=True, choices=SUBJECT_TYPE_LABELS),
                    "name": _s("姓名或集体名称", required=True, max_length=40),
                    "position": _s("岗位", max_length=40),
                    "minor": Spec("bool", "是否未成年人（true 时，带照片公开须填写监护人同意日期）"),
                    "guardian_consent_on": _d("监护人书面同意公开的日期（未成年人带照片公开时必填）"),
                },
            ),
            "unit": _s("所属单位编号", required=True, pattern=ID_PATTERN, pattern_hint="单位编号"),
            "category": _s("故事类别", required=True, choices={c: c for c in settings.categories}),
            "summary": _s("一句话简介", required=True, max_length=settings.summary_max_chars),
            "cover": photo,
            "eligibility": Spec(
                "map",
                "资格审查",
                required=True,
                fields={
                    "controversial": Spec("bool", "是否存在争议", required=True),
                    "criminal_record": Spec("bool", "是否有违法犯罪记录", required=True),
                    "disciplinary_sanction": Spec("bool", "是否受过纪律处分", required=True),
                    "checked_by": _s("审查单位", required=True),
                    "checked_on": _d("审查日期", required=True),
                },
            ),
            "process": Spec(
                "map",
                "选树程序",
                required=True,
                fields={
                    "nominated_on": _d("群众评选日期", required=True),
                    "recommended_on": _d("单位推荐日期", required=True),
                    "approved_on": _d("组织审定日期", required=True),
                    "notice": Spec(
                        "map",
                        "基层公示",
                        required=True,
                        fields={"start": _d("公示开始日期", required=True), "end": _d("公示结束日期", required=True)},
                    ),
                },
            ),
            "status": _s("状态", required=True, choices=STATUS_LABELS),
            "published_on": _d("发布日期"),
            "withdrawn": Spec(
                "map",
                "撤下信息",
                fields={"on": _d("撤下日期", required=True), "reason": _s("撤下原因（不公开）", required=True)},
            ),
            "honors": Spec("list", "后续荣誉", item=honor),
            "tags": Spec("list", "标签", item=_s("标签", max_length=20)),
        },
    )


def unit_schema() -> Spec:
    return Spec(
        "map",
        "单位",
        fields={
            "name": _s("单位全称", required=True),
            "short_name": _s("单位简称"),
            "kind": _s("单位类型", required=True, choices=UNIT_KIND_LABELS),
            "parent": _s("所属系统编号", pattern=ID_PATTERN, pattern_hint="单位编号"),
            "active_from": Spec("int", "起始年度", minimum=1949),
            "active_to": Spec("int", "截止年度", minimum=1949),
            "quota": Spec("int", "每年任务数", minimum=0),
            "shortfalls": Spec("dict", "已记录的未完成年度", key=Spec("int", "年度", minimum=1949), item=_s("原因")),
            "description": _s("单位简介"),
        },
    )


ACTIVITY_MODE_LABELS = {"offline": "线下", "online": "线上"}


def activity_schema(settings: HonorRollConfig) -> Spec:
    """An activity that spread the stories: a talk, a performance, an online video …"""
    kinds = {kind: f"{ACTIVITY_MODE_LABELS[mode]}活动" for kind, mode in settings.activity_kinds.items()}
    return Spec(
        "map",
        "活动",
        fields={
            "title": _s("活动名称", required=True, max_length=60),
            "kind": _s("活动形式", required=True, choices=kinds),
            "date": _d("活动日期（线上为发布日期）", required=True),
            "unit": _s("组织单位编号", required=True, pattern=ID_PATTERN, pattern_hint="单位编号"),
            "stories": Spec(
                "list",
                "讲述的故事编号（至少一个，须为已发布的故事）",
                required=True,
                item=_s("故事编号", pattern=ID_PATTERN, pattern_hint="故事编号"),
            ),
            "place": _s("地点（线下活动必填）", max_length=60),
            "platform": _s("发布平台（线上活动必填）", max_length=40),
            "audience": Spec("int", "参与人次（线下活动必填）", minimum=0),
            "views": Spec("int", "观看量（线上活动必填）", minimum=0),
            "link": _s("链接（只能指向本站或站点设置中的官方网站，https）", max_length=300),
            "summary": _s("一句话简介", max_length=settings.summary_max_chars),
            "cover": Spec(
                "map",
                "封面照片",
                fields={"src": _s("照片文件名", required=True), "alt": _s("替代文字（描述照片内容，必填）")},
            ),
        },
    )


def dotted(path: Path) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


def _quote(value: object) -> str:
    return f"“{value}”"


def validate(value: Any, spec: Spec, path: Path = ()) -> tuple[Any, list[Issue]]:
    """Checks ``value`` against ``spec``; returns the cleaned value (invalid parts dropped) and issues."""
    issues: list[Issue] = []
    clean = _validate(value, spec, path, issues)
    return clean, issues


def _validate(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    return _CHECKERS[spec.kind](value, spec, path, issues)


def _name(path: Path) -> str:
    return dotted(path) or "front matter"


def _check_map(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if not isinstance(value, dict):
        where = f"“{_name(path)}”" if path else "front matter"
        issues.append(Issue(path, f"{where}（{spec.label}）应为“键: 值”形式的映射，请检查缩进"))
        return None
    clean: dict[str, Any] = {}
    allowed = list(spec.fields)
    for key, item in value.items():
        key_text = str(key)
        sub = spec.fields.get(key_text)
        if sub is None:
            issues.append(Issue((*path, key_text), _unknown_key_message(key_text, allowed, path)))
            continue
        if item is None:
            if sub.required:
                issues.append(
                    Issue((*path, key_text), f"必填字段“{dotted((*path, key_text))}”（{sub.label}）没有填写内容")
                )
            continue
        result = _validate(item, sub, (*path, key_text), issues)
        if result is not None:
            clean[key_text] = result
    for key_text, sub in spec.fields.items():
        if sub.required and key_text not in value:
            full = dotted((*path, key_text))
            issues.append(Issue(path, f"缺少必填字段“{full}”（{sub.label}），请添加 {key_text}: …"))
    return clean


def _unknown_key_message(key: str, allowed: list[str], path: Path) -> str:
    where = f"“{dotted(path)}”下" if path else ""
    close = difflib.get_close_matches(key, allowed, n=1, cutoff=0.6)
    hint = f"是否想写“{close[0]}”？" if close else f"可用的字段：{'、'.join(allowed)}。"
    return f"{where}未知字段“{key}”：{hint}拼错的字段不会生效，请改正或删除"


def _check_list(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if not isinstance(value, list):
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）应为列表，例如 [甲, 乙] 或逐行以“- ”开头"))
        return None
    assert spec.item is not None
    out = []
    for index, item in enumerate(value):
        result = _validate(item, spec.item, (*path, index), issues)
        if result is not None:
            out.append(result)
    return out


def _check_dict(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if not isinstance(value, dict):
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）应为“键: 值”形式的映射"))
        return None
    assert spec.key is not None and spec.item is not None
    out = {}
    for key, item in value.items():
        key_clean = _validate(key, spec.key, (*path, str(key)), issues)
        item_clean = _validate(item, spec.item, (*path, str(key)), issues)
        if key_clean is not None and item_clean is not None:
            out[key_clean] = item_clean
    return out


def _check_str(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if isinstance(value, (bool, dict, list)):
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）应为文字，实际为 {_describe(value)}"))
        return None
    text = str(value).strip() if isinstance(value, (str, int, float)) else None
    if text is None:
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）应为文字，实际为 {_describe(value)}"))
        return None
    if not text:
        if spec.required:
            issues.append(Issue(path, f"必填字段“{_name(path)}”（{spec.label}）没有填写内容"))
        return None
    hidden = FORBIDDEN_CHARACTERS.search(text)
    if hidden is not None:
        issues.append(
            Issue(
                path,
                f"“{_name(path)}”（{spec.label}）第 {hidden.start() + 1} 个字是不可见的控制字符 U+{ord(hidden.group()):04X}："
                "它会打乱文字的显示方向或伪造输出，请删除它（通常是从网页或文档复制时带进来的）",
            )
        )
        return None
    if spec.choices is not None and text not in spec.choices:
        options = "、".join(f"{k}（{v}）" if k != v else k for k, v in spec.choices.items())
        close = difflib.get_close_matches(text, list(spec.choices), n=1, cutoff=0.5)
        hint = f"是否想写“{close[0]}”？" if close else ""
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）的值 {_quote(text)} 无效。{hint}可选值：{options}"))
        return None
    if spec.max_length is not None and len(text) > spec.max_length:
        issues.append(
            Issue(path, f"“{_name(path)}”（{spec.label}）最多 {spec.max_length} 个字，现在有 {len(text)} 个字，请精简")
        )
    if spec.pattern is not None and not spec.pattern.match(text):
        issues.append(
            Issue(
                path,
                f"“{_name(path)}”（{spec.pattern_hint or spec.label}）{_quote(text)} 格式不对：只能用小写英文字母、数字和连字符",
            )
        )
        return None
    return text


def _check_int(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if isinstance(value, bool) or not isinstance(value, int):
        if isinstance(value, str) and value.strip().isdigit():
            value = int(value.strip())
        else:
            issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）应为整数，实际为 {_describe(value)}"))
            return None
    if spec.minimum is not None and value < spec.minimum:
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）不能小于 {spec.minimum}，实际为 {value}"))
        return None
    return value


def _check_bool(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if not isinstance(value, bool):
        issues.append(
            Issue(path, f"“{_name(path)}”（{spec.label}）只能写 true（是）或 false（否），实际为 {_describe(value)}")
        )
        return None
    return value


def _check_date(value: Any, spec: Spec, path: Path, issues: list[Issue]) -> Any:
    if isinstance(value, dt.datetime):
        issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）只写日期，不写时间：YYYY-MM-DD"))
        return None
    if isinstance(value, dt.date):
        return value
    if isinstance(value, str) and _ISO_DATE.match(value.strip()):
        try:
            return dt.date.fromisoformat(value.strip())
        except ValueError:
            issues.append(Issue(path, f"“{_name(path)}”（{spec.label}）{_quote(value)} 不是真实存在的日期"))
            return None
    issues.append(
        Issue(
            path,
            f"“{_name(path)}”（{spec.label}）应写成 YYYY-MM-DD 格式的日期（如 2024-05-08），实际为 {_describe(value)}",
        )
    )
    return None


def _describe(value: Any) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, dict):
        return "映射"
    if isinstance(value, list):
        return "列表"
    return _quote(value)


_CHECKERS: dict[str, Callable[[Any, Spec, Path, list[Issue]], Any]] = {
    "map": _check_map,
    "list": _check_list,
    "dict": _check_dict,
    "str": _check_str,
    "int": _check_int,
    "bool": _check_bool,
    "date": _check_date,
}


def to_json_schema(spec: Spec, title: str | None = None) -> dict[str, Any]:
    """JSON Schema (draft 2020-12) for editors' tools: autocomplete, hover help, typo marks."""
    out = _json_schema(spec)
    if title is not None:
        out = {"$schema": "https://json-schema.org/draft/2020-12/schema", "title": title, **out}
    return out


def _json_schema(spec: Spec) -> dict[str, Any]:
    out: dict[str, Any] = {"description": spec.label}
    if spec.kind == "map":
        out.update(
            type="object",
            properties={k: _json_schema(v) for k, v in spec.fields.items()},
            required=[k for k, v in spec.fields.items() if v.required],
            additionalProperties=False,
        )
    elif spec.kind == "dict":
        assert spec.item is not None
        out.update(type="object", propertyNames={"pattern": r"^\d{4}$"}, additionalProperties=_json_schema(spec.item))
    elif spec.kind == "list":
        assert spec.item is not None
        out.update(type="array", items=_json_schema(spec.item))
    elif spec.kind == "str":
        out["type"] = "string"
        if spec.choices is not None:
            out["enum"] = list(spec.choices)
            if any(k != v for k, v in spec.choices.items()):
                out["description"] = f"{spec.label}：" + "；".join(f"{k} = {v}" for k, v in spec.choices.items())
        if spec.max_length is not None:
            out["maxLength"] = spec.max_length
        if spec.pattern is not None:
            out["pattern"] = spec.pattern.pattern
    elif spec.kind == "int":
        out["type"] = "integer"
        if spec.minimum is not None:
            out["minimum"] = spec.minimum
    elif spec.kind == "bool":
        out["type"] = "boolean"
    elif spec.kind == "date":
        out.update(type="string", format="date")
    return out
