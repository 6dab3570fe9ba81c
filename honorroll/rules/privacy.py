"""Personal data in what the site publishes, and photos of minors.

Numbers are looked for in every published field, in unit files and in file names, after
normalising the way a reader sees them: full-width digits, spaces, dots, dashes and
invisible characters do not hide a number. Amounts of money and invoice or serial numbers
are told apart by their grouping and their context.

Every scan here is linear in the length of the text: one pass of a regex without nested
quantifiers finds candidate runs, and each run is looked at once, in windows of at most
18 digits.
"""

from __future__ import annotations

import datetime as dt
import os
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from honorroll.content import yamlio
from honorroll.content.loader import body_images
from honorroll.content.model import Archive, Story
from honorroll.diagnostics import Diagnostic, Severity, error, warning
from honorroll.rules.context import CheckContext, at_field

E, W = Severity.ERROR, Severity.WARNING

# Separators a number may be written with; invisible ones are dropped, visible ones split groups.
_INVISIBLE = "\u200b\u200c\u200d\u2060\ufeff\u00ad"
_SEPARATORS = " \u3000.．·・_-‐‑‒–—―−－﹣"
# ASCII, full-width and mathematical digits (all NFKC to 0-9); one leading class keeps the regex's fast prefix scan.
_DIGITS = "0-9０-９\U0001d7ce-\U0001d7ff"
_RUN = re.compile(f"[+＋{_DIGITS}][{_DIGITS}XxＸｘ{re.escape(_SEPARATORS + _INVISIBLE)}]{{10,}}")
_DROP_INVISIBLE = str.maketrans("", "", _INVISIBLE)
_GROUP = re.compile(r"[0-9Xx]+")

_MOBILE = re.compile(r"(?:0086|86)?1[3-9]\d{9}")
_MOBILE_GROUPS = {(11,), (3, 4, 4), (3, 8), (7, 4), (4, 3, 4), (4, 4, 3)}
_ID_GROUPS = {(18,), (6, 8, 4), (6, 4, 4, 4), (3, 3, 4, 4, 4), (4, 4, 4, 4, 2), (6, 8, 3, 1), (17, 1)}
_ID_WEIGHTS = (7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2)
_ID_CHECK = "10X98765432"

_MONEY_BEFORE = re.compile(r"(?:[￥¥$＄]|RMB|CNY|USD|人民币|金额|价款|合计|总计)[:：\s]*$", re.I)
_MONEY_AFTER = re.compile(r"^\s*(?:元|万|亿|圆|块|美元|港币|欧元|人民币|RMB|CNY|USD|%|％)", re.I)
_SERIAL_BEFORE = re.compile(
    r"(?:发票|票号|税号|订单|单号|流水号|序列号|批号|合同号|编码|条码|运单|工单|凭证|型号)[^\n]{0,4}$"
)

ID_KINDS = {
    "id": "居民身份证号码",
    "id-typo": "疑似居民身份证号码（18 位，校验位不符，多半是输错的真实号码）",
    "mobile": "手机号码",
}
_EXAMPLES = {"id": "3501**********1234", "id-typo": "3501**********1234", "mobile": "138****0000"}


@dataclass(frozen=True, slots=True)
class Finding:
    offset: int
    """Where the number starts in the text that was scanned."""
    kind: str
    """``id`` (an error), ``id-typo`` (a warning) or ``mobile`` (an error)."""

    @property
    def severity(self) -> Severity:
        return W if self.kind == "id-typo" else E

    @property
    def description(self) -> str:
        return ID_KINDS[self.kind]


def is_resident_id(number: str) -> bool:
    """A mainland resident ID number: 18 characters whose last one is the ISO 7064 check digit."""
    if len(number) != 18 or not number[:17].isdigit():
        return False
    total = sum(int(d) * w for d, w in zip(number[:17], _ID_WEIGHTS, strict=False))
    return _ID_CHECK[total % 11] == number[17].upper()


def _looks_like_id(number: str) -> bool:
    """18 characters shaped like a resident ID: an area code, a real birth date, a check character."""
    if len(number) != 18 or not number[:17].isdigit() or number[17] not in "0123456789Xx":
        return False
    if number[0] not in "12345678":
        return False
    try:
        born = dt.date(int(number[6:10]), int(number[10:12]), int(number[12:14]))
    except ValueError:
        return False
    return 1900 <= born.year <= 2099


def find_personal_numbers(text: str) -> list[Finding]:
    """Resident ID numbers (and mistyped ones) and mobile numbers in ``text``, in order."""
    found: list[Finding] = []
    for run in _RUN.finditer(text):
        found += _scan_run(text, run.start(), run.group())
    return found


def find_private_numbers(text: str) -> Iterator[tuple[int, str]]:
    """(offset, description) of each personal number in ``text``."""
    for finding in find_personal_numbers(text):
        yield finding.offset, finding.description


def _digits(raw: str) -> str:
    """The run as a reader reads it: NFKC (full-width → ASCII), invisible characters dropped, any script's digits."""
    norm = unicodedata.normalize("NFKC", raw).translate(_DROP_INVISIBLE)
    if norm.isascii():
        return norm
    return "".join(str(unicodedata.decimal(ch)) if ch.isdecimal() else ch for ch in norm)


def _scan_run(text: str, start: int, raw: str) -> list[Finding]:
    norm = _digits(raw).rstrip(_SEPARATORS)
    groups = [(m.group(), m.start()) for m in _GROUP.finditer(norm)]
    if sum(len(g) for g, _ in groups) < 11:
        return []
    end = start + len(raw.rstrip(_SEPARATORS + _INVISIBLE))
    before, after = text[max(0, start - 12) : start], text[end : end + 6]
    if _MONEY_BEFORE.search(before) or _MONEY_AFTER.search(after) or _is_decimal(norm, groups):
        return []
    exempt = bool(_SERIAL_BEFORE.search(before)) or _touches_letters(text, start, end)
    found: list[Finding] = []
    offsets = _raw_offsets(raw)
    i = 0
    while i < len(groups):
        kind, width = _match_at(groups, i, exempt)
        if kind is None:
            i += 1
            continue
        at = groups[i][1]
        # NFKC keeps one character per digit or separator here; only dropped invisible ones shift offsets.
        found.append(Finding(start + (offsets[at] if offsets else at), kind))
        i += width
    return found


def _match_at(groups: list[tuple[str, int]], i: int, exempt: bool) -> tuple[str | None, int]:
    """The kind of number made by groups ``i…``, and how many groups it takes (an ID before a mobile).

    At most 18 characters are joined, so the work per group is bounded.
    """
    digits = ""
    lengths: list[int] = []
    mobile: tuple[str | None, int] = (None, 0)
    for j in range(i, len(groups)):
        digits += groups[j][0]
        lengths.append(len(groups[j][0]))
        if len(digits) > 18:
            break
        if len(digits) == 18 and _looks_like_id(digits) and _plausible(tuple(lengths), _ID_GROUPS):
            if is_resident_id(digits):
                return "id", len(lengths)
            if not exempt:
                return "id-typo", len(lengths)
        if (
            not exempt
            and mobile[0] is None
            and len(digits) in (11, 13, 15)
            and _MOBILE.fullmatch(digits)
            and _plausible(_without_country_code(digits, tuple(lengths)), _MOBILE_GROUPS)
        ):
            mobile = ("mobile", len(lengths))
    return mobile


def _plausible(lengths: tuple[int, ...], allowed: set[tuple[int, ...]]) -> bool:
    # People group these numbers in a few ways, or space every digit; a list of years or dates does not.
    return lengths in allowed or all(n == 1 for n in lengths)


def _without_country_code(digits: str, lengths: tuple[int, ...]) -> tuple[int, ...]:
    prefix = len(digits) - 11
    if prefix == 0:
        return lengths
    if lengths[0] == prefix:
        return lengths[1:]
    return (lengths[0] - prefix, *lengths[1:]) if lengths[0] > prefix else lengths


def _is_decimal(norm: str, groups: list[tuple[str, int]]) -> bool:
    """``12345678901.00``: one decimal point before a last group of one or two digits."""
    if len(groups) < 2 or norm.count(".") != 1:
        return False
    last, last_at = groups[-1]
    previous, previous_at = groups[-2]
    return len(last) <= 2 and len(previous) >= 3 and norm[previous_at + len(previous) : last_at] == "."


def _touches_letters(text: str, start: int, end: int) -> bool:
    """Glued to Latin letters (``SN13812345678``, ``13812345678AB``): a serial or model number."""
    before = text[start - 1] if start > 0 else ""
    after = text[end] if end < len(text) else ""
    return (before.isascii() and before.isalpha()) or (after.isascii() and after.isalpha())


def _raw_offsets(raw: str) -> list[int] | None:
    """Where each character of the normalised run was in ``raw`` (None: same place), built once per run."""
    if not any(ch in raw for ch in _INVISIBLE):
        return None
    return [index for index, ch in enumerate(raw) if ch not in _INVISIBLE]


# --- rules ----------------------------------------------------------------------------------


def privacy_message(kind: str, where: str = "公开内容中") -> str:
    return f"{where}出现了{ID_KINDS[kind]}：为保护个人隐私，请删除或改写（如“{_EXAMPLES[kind]}”）"


def _file_name_message(kind: str) -> str:
    return f"文件名中出现了{ID_KINDS[kind]}：文件名会出现在网址中，请给文件改名（如 cover.jpg），并同步修改引用它的地方"


def check_privacy(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    if not story.is_public:
        return
    for path, text in _published_fields(story):
        for finding in find_personal_numbers(text):
            yield at_field(finding.severity, "privacy", story, path, privacy_message(finding.kind))
    yield from text_privacy(story.file, story.body, story.body_line, "正文")
    yield from _check_file_names(story, ctx)


def text_privacy(file: str, text: str, first_line: int, field: str, where: str = "公开内容中") -> Iterator[Diagnostic]:
    """Personal numbers in a Markdown body (of a story, an activity or a page), one message a line."""
    lines = yamlio.LineCounter(text)
    reported: set[tuple[int, str]] = set()
    for finding in find_personal_numbers(text):
        line = first_line - 1 + lines.at(finding.offset)
        if (line, finding.kind) not in reported:  # one message a line is enough to find them all
            reported.add((line, finding.kind))
            make = error if finding.severity is E else warning
            yield make("privacy", file, line, field, privacy_message(finding.kind, where))


def _published_fields(story: Story) -> Iterator[tuple[tuple[str | int, ...], str]]:
    fields: list[tuple[tuple[str | int, ...], str | None]] = [
        (("title",), story.title),
        (("summary",), story.summary),
        (("subject", "name"), story.subject.name if story.subject else None),
        (("subject", "position"), story.subject.position if story.subject else None),
        (("cover", "alt"), story.cover.alt if story.cover else None),
        (("cover", "src"), story.cover.src if story.cover else None),
    ]
    fields += [(("tags", i), tag) for i, tag in enumerate(story.tags)]
    fields += [(("honors", h.index, "title"), h.title) for h in story.honors]
    return ((path, text) for path, text in fields if text)


def _check_file_names(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The story's own file name (its ID) and, for a folder story, every file name in the folder."""
    names: list[tuple[str, str]] = [(story.file, story.id)]
    if story.is_bundle:
        folder = ctx.root / story.folder
        for dirpath, dirs, files in os.walk(folder):  # symlinked folders are not followed
            dirs.sort()
            relative = Path(dirpath).relative_to(ctx.root).as_posix()
            names += [(f"{relative}/{name}", name) for name in sorted(files) if name != "index.md"]
            names += [(f"{relative}/{name}", name) for name in dirs]
    for file, name in names:
        for kind in sorted({finding.kind for finding in find_personal_numbers(name)}):
            make = warning if kind == "id-typo" else error
            yield make("privacy", file, 1, "文件名", _file_name_message(kind))


def check_unit_privacy(archive: Archive) -> Iterator[Diagnostic]:
    """Unit names and descriptions appear on every list page."""
    for unit in archive.units.values():
        fields = (("name", unit.name), ("short_name", unit.short_name), ("description", unit.description))
        text_of_file: str | None = None
        for key, text in fields:
            for kind in kinds_in(text):
                if text_of_file is None:
                    text_of_file = (Path(archive.root) / unit.file).read_text(encoding="utf-8-sig")
                line = yamlio.line_of(text_of_file, (key,))
                make = warning if kind == "id-typo" else error
                yield make("privacy", unit.file, line, key, privacy_message(kind, "单位信息中"))
        for kind in kinds_in(unit.id):
            make = warning if kind == "id-typo" else error
            yield make("privacy", unit.file, 1, "文件名", _file_name_message(kind))


def kinds_in(text: str | None) -> list[str]:
    return sorted({finding.kind for finding in find_personal_numbers(text or "")})


# --- minors ---------------------------------------------------------------------------------

IMAGE_SUFFIXES = (".jpg", ".jpeg", ".png", ".webp", ".gif", ".svg", ".avif", ".bmp", ".tif", ".tiff", ".heic")


def check_minor_consent(story: Story, ctx: CheckContext) -> Iterator[Diagnostic]:
    """A child's photo is published only with a guardian's consent on record, given before publication."""
    subject = story.subject
    if subject is None or not subject.minor or not story.is_public or not _has_photos(story, ctx):
        return
    consent = subject.guardian_consent_on
    path = ("subject", "guardian_consent_on")
    if consent is None:
        yield at_field(
            E,
            "minor",
            story,
            path,
            "故事主体是未成年人（subject.minor: true），故事带有照片：公开前须取得监护人书面同意，"
            "并在 subject 下填写 guardian_consent_on: YYYY-MM-DD（监护人同意的日期）；未取得同意请删除全部照片",
        )
    elif story.published_on is not None and consent > story.published_on:
        yield at_field(
            E,
            "minor",
            story,
            path,
            f"监护人同意日期 {consent} 晚于发布日期 {story.published_on}：须先取得监护人同意再发布，请核对日期",
        )
    elif consent > ctx.today:
        yield at_field(
            E, "minor", story, path, f"监护人同意日期 {consent} 在今天（{ctx.today}）之后：请填写实际取得同意的日期"
        )


def _has_photos(story: Story, ctx: CheckContext) -> bool:
    if story.cover is not None or body_images(story):
        return True
    if not story.is_bundle:
        return False
    for _dirpath, _dirs, files in os.walk(ctx.root / story.folder):
        if any(name.lower().endswith(IMAGE_SUFFIXES) for name in files):
            return True
    return False
