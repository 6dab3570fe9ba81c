"""``honorroll new``: a new story file with the next free permanent ID and a commented template.

The template leaves empty every field only the editor can know (category, summary, the
eligibility answers, the process dates). The schema reports each empty required field by
name, so a freshly created story fails ``honorroll check`` exactly on those placeholders and
passes once they are filled in. Nothing here duplicates a rule: it only writes a file.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import subprocess
import unicodedata
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, replace
from pathlib import Path
from typing import Any, TextIO

from honorroll.config import HonorRollConfig
from honorroll.content import layout, yamlio
from honorroll.content.loader import load_units
from honorroll.content.model import Unit
from honorroll.content.schema import ID_PATTERN, SUBJECT_TYPE_LABELS

TITLE_MAX = 60
NAME_MAX = 40
COMMENT_COLUMN = 36
"""Display column where the explanatory comments start (CJK characters count as two)."""

PLACEHOLDER_FIELDS = (
    "category",
    "summary",
    "eligibility.controversial",
    "eligibility.criminal_record",
    "eligibility.disciplinary_sanction",
    "eligibility.checked_by",
    "eligibility.checked_on",
    "process.nominated_on",
    "process.recommended_on",
    "process.approved_on",
    "process.notice.start",
    "process.notice.end",
)
"""Fields the template leaves for the editor; ``honorroll check`` names each until it is filled."""

REQUIRED_OPTIONS = (("unit", "--unit"), ("title", "--title"), ("subject_name", "--subject-name"))


class NewStoryError(Exception):
    """The story cannot be created; the message says why and what to do (exit code 2)."""


class MissingOptions(NewStoryError):
    def __init__(self, options: Sequence[str], units: Mapping[str, Unit]) -> None:
        self.options = list(options)
        listing = "\n".join(f"  {line}" for line in unit_lines(units))
        super().__init__(
            f"缺少参数：{'、'.join(options)}。当前不是交互式终端，无法逐项询问，请在命令行中写全，例如：\n"
            "  honorroll new --unit <单位编号> --title <标题> --subject-name <姓名或集体名称>\n"
            f"可用的单位编号：\n{listing}"
        )


@dataclass(frozen=True)
class NewStoryRequest:
    unit: str | None = None
    title: str | None = None
    subject_name: str | None = None
    subject_type: str | None = None
    year: int | None = None
    bundle: bool = False
    story_id: str | None = None

    def missing(self) -> list[str]:
        return [option for attr, option in REQUIRED_OPTIONS if not (getattr(self, attr) or "").strip()]


@dataclass(frozen=True)
class CreatedStory:
    id: str
    path: Path
    """Absolute path of the Markdown file written."""
    relative: str
    """The same, relative to the content repository, with forward slashes."""


# --- permanent IDs -------------------------------------------------------------------------


def _story_id_of(rel: str, stories_dir: str) -> str | None:
    """The story ID of a path under ``stories_dir`` (``<year>/<id>.md`` or ``<year>/<id>/…``)."""
    story_id = layout.story_id_from_path(rel, stories_dir, any_file_in_folder=True)
    return story_id if story_id is not None and ID_PATTERN.match(story_id) else None


def current_ids(root: Path, stories_dir: str) -> set[str]:
    """IDs of every story file or folder in the working tree, in every year."""
    base = root / stories_dir
    ids: set[str] = set()
    if not base.is_dir():
        return ids
    for year in base.iterdir():
        if not year.is_dir() or not layout.YEAR_DIR.match(year.name):
            continue
        for entry in year.iterdir():
            rel = f"{stories_dir}/{year.name}/{entry.name}"
            story_id = _story_id_of(f"{rel}/{layout.INDEX}" if entry.is_dir() else rel, stories_dir)
            if story_id is not None:
                ids.add(story_id)
    return ids


def history_ids(root: Path, stories_dir: str) -> set[str]:
    """IDs that ever existed in the git history of any branch (empty outside a git repository)."""
    try:
        proc = subprocess.run(
            ["git", "-C", str(root), "log", "--all", "--name-only", "--format=", "--", stories_dir],
            capture_output=True,
            text=True,
            check=False,
        )
    except OSError:
        return set()
    if proc.returncode != 0:
        return set()
    # Paths are relative to the top of the git repository, which may be above ``root``.
    top = subprocess.run(
        ["git", "-C", str(root), "rev-parse", "--show-prefix"], capture_output=True, text=True, check=False
    ).stdout.strip()
    ids = set()
    for line in proc.stdout.splitlines():
        rel = line.strip().strip('"')
        if top and rel.startswith(top):
            rel = rel[len(top) :]
        story_id = _story_id_of(rel, stories_dir)
        if story_id is not None:
            ids.add(story_id)
    return ids


def used_ids(root: Path, stories_dir: str) -> set[str]:
    return current_ids(root, stories_dir) | history_ids(root, stories_dir)


def next_story_id(year: int, unit: str, used: Iterable[str]) -> str:
    """``<year>-<unit>-<n>``, with n one more than the highest number ever used for that prefix."""
    prefix = f"{year}-{unit}-"
    pattern = re.compile(rf"^{re.escape(prefix)}(\d+)$")
    taken = set(used)
    numbers = [int(m.group(1)) for m in map(pattern.match, taken) if m]
    n = max(numbers, default=0) + 1
    while f"{prefix}{n}" in taken:  # pragma: no cover - max + 1 is always free
        n += 1
    return f"{prefix}{n}"


# --- asking for what is missing ------------------------------------------------------------


def unit_lines(units: Mapping[str, Unit]) -> list[str]:
    width = max((len(u) for u in units), default=0)
    return [f"{unit_id.ljust(width)}  {unit.name}" for unit_id, unit in sorted(units.items())]


def complete_request(
    request: NewStoryRequest,
    units: Mapping[str, Unit],
    *,
    interactive: bool,
    ask: Callable[[str], str] = input,
    out: TextIO | None = None,
) -> NewStoryRequest:
    """Fills in missing required options by asking (on a terminal) or fails naming them."""
    missing = request.missing()
    if not missing:
        return request
    if not interactive:
        raise MissingOptions(missing, units)

    def say(text: str) -> None:
        if out is not None:
            out.write(text + "\n")
            out.flush()

    def prompt(question: str, valid: Callable[[str], str | None]) -> str:
        for _ in range(5):
            try:
                answer = ask(question).strip()
            except EOFError as exc:
                raise NewStoryError("输入已结束，没有创建故事") from exc
            problem = valid(answer)
            if problem is None:
                return answer
            say(problem)
        raise NewStoryError("多次输入无效，没有创建故事")

    say("新建故事：请逐项回答（直接回车表示使用括号中的默认值）。")
    changes: dict[str, Any] = {}
    if "--unit" in missing:
        say("可用的单位：")
        for line in unit_lines(units):
            say(f"  {line}")
        changes["unit"] = prompt(
            "单位编号（上面左列之一）：",
            lambda a: None if a in units else f"没有编号为“{a}”的单位，请从上面的列表中选择",
        )
    if "--title" in missing:
        changes["title"] = prompt(
            f"故事标题（不超过 {TITLE_MAX} 个字）：", lambda a: _text_problem(a, "标题", TITLE_MAX)
        )
    if "--subject-name" in missing:
        changes["subject_name"] = prompt(
            f"主人公姓名或集体名称（不超过 {NAME_MAX} 个字）：", lambda a: _text_problem(a, "姓名或集体名称", NAME_MAX)
        )
    if request.subject_type is None:
        answer = prompt(
            "主体类型：individual（个人）或 collective（集体）[individual]：",
            lambda a: None if a in ("", *SUBJECT_TYPE_LABELS) else "请输入 individual 或 collective",
        )
        changes["subject_type"] = answer or "individual"
    return replace(request, **changes)


def _text_problem(text: str, label: str, limit: int) -> str | None:
    if not text.strip():
        return f"{label}不能为空"
    if len(text.strip()) > limit:
        return f"{label}最多 {limit} 个字，现在有 {len(text.strip())} 个字"
    if "\n" in text:
        return f"{label}只能写一行"
    return None


# --- the template ---------------------------------------------------------------------------


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _line(code: str, comment: str = "") -> str:
    if not comment:
        return code
    pad = max(COMMENT_COLUMN - _width(code), 2)
    return f"{code}{' ' * pad}# {comment}"


def yaml_scalar(text: str) -> str:
    """``text`` written as a YAML value that reads back as the same string."""
    try:
        if yamlio.load(f"k: {text}") == {"k": text} and "#" not in text:
            return text
    except yamlio.YamlSyntaxError:
        pass
    return json.dumps(text, ensure_ascii=False)  # a JSON string is a valid YAML double-quoted scalar


def render_story(
    story_id: str,
    request: NewStoryRequest,
    unit: Unit,
    settings: HonorRollConfig,
    year: int,
) -> str:
    """The Markdown file of a new story: commented front matter, then a writing outline."""
    assert request.title and request.subject_name and request.unit
    subject_type = request.subject_type or "individual"
    categories = "、".join(settings.categories)
    levels = "；".join(f"{k}（{v}）" for k, v in settings.honor_levels.items())
    titles = "、".join(settings.honor_titles)
    days = settings.min_notice_days
    photo_hint = (
        "可选：封面照片，照片文件放在本文件夹，alt 写一句话描述照片"
        if request.bundle
        else "可选：封面照片；只有文件夹形式的故事能带照片（见编辑指南）"
    )
    lines = [
        "---",
        "# 新故事模板（由 honorroll new 生成）。以 # 开头的是说明，不会显示在网站上，可以保留。",
        "# 冒号后面空着的字段必须由编辑填写：填好之前 honorroll check 会逐条报错，指明行号和字段。",
        "# 日期一律写作 YYYY-MM-DD（如 2026-05-08）；“是/否”只写 true（是）或 false（否）。",
        f"# 故事编号 {story_id} 就是文件名：它是永久编号（二维码和短链接 /s/{story_id}/ 都用它），不要改名。",
        _line(f"title: {yaml_scalar(request.title.strip())}", f"标题，不超过 {TITLE_MAX} 个字"),
        _line("subject:", "故事主体"),
        _line(f"  type: {subject_type}", "individual（个人）或 collective（集体）"),
        _line(f"  name: {yaml_scalar(request.subject_name.strip())}", f"姓名或集体名称，不超过 {NAME_MAX} 个字"),
        _line("  # position: 岗位", "可选：岗位或职务；需要时删去行首的 # 再填写"),
        _line(f"unit: {unit.id}", f"单位编号：{unit.name}（units/{unit.id}.yml）"),
        _line("category:", f"必填：类别，从中选一个：{categories}"),
        _line("summary:", f"必填：一句话简介，不超过 {settings.summary_max_chars} 个字，显示在列表和分享卡片上"),
        _line("# cover: {src: cover.jpg, alt: 描述照片内容}", photo_hint),
        _line("eligibility:", "资格审查：以下三项必须如实填写 true（是）或 false（否）"),
        _line("  controversial:", "是否存在争议"),
        _line("  criminal_record:", "是否有违法犯罪记录"),
        _line("  disciplinary_sanction:", "是否受过纪律处分（任一项为 true 的不能公示或发布）"),
        _line("  checked_by:", "审查单位，如：市直机关文明办"),
        _line("  checked_on:", "审查日期，不晚于组织审定日期"),
        _line("process:", "选树程序：四个环节的日期，按先后顺序"),
        _line("  nominated_on:", "群众评选日期"),
        _line("  recommended_on:", "单位推荐日期，不早于群众评选"),
        _line("  approved_on:", f"组织审定日期，必须是 {year} 年（故事放在 {year} 年度文件夹）"),
        _line("  notice:", f"基层公示：至少 {days} 个工作日（按法定节假日和调休计算）"),
        _line("    start:", "公示开始日期，不早于组织审定"),
        _line("    end:", "公示结束日期"),
        _line("status: notice", "状态：notice（公示中）；公示无异议后改为 published（已发布）"),
        _line("# published_on: YYYY-MM-DD", "发布日期：改为 published 时删去 # 并填写，须晚于公示结束、不晚于当天"),
        _line(
            "# withdrawn: {on: YYYY-MM-DD, reason: 原因}", "只在撤下时填写，同时把 status 改为 withdrawn；原因不公开"
        ),
        "# honors:                           # 可选：此后获得的荣誉，只能记在已发布的故事上",
        f"#   - {{title: {settings.honor_titles[0]}, level: {next(iter(settings.honor_levels))}, year: {year}}}",
        f"#     title 可选：{titles}",
        f"#     level 可选：{levels}",
        _line("# tags: [标签一, 标签二]", "可选：标签，每个不超过 20 个字"),
        "---",
        "",
        "<!-- 写作提纲（这段注释不会显示在网页上，写好正文后可以删除）：",
        "1. 开头：他（她、他们）是谁、在什么岗位，用一两句话点出最打动人的事迹。",
        "2. 经过：写两三个具体的场景和细节，交代时间、地点、做了什么。",
        "3. 成效：带来了哪些变化，群众和同事怎么评价（可以引用原话）。",
        "4. 结尾：人物自己的一句话，或今后的打算。",
        "照片：只有文件夹形式的故事能带照片（honorroll new 加 --bundle），照片放在同一文件夹，每张都要写替代文字。",
        "隐私：不写身份证号码、手机号码和家庭住址；不粘贴网页代码。 -->",
        "",
    ]
    return "\n".join(lines)


# --- creating the file ----------------------------------------------------------------------


def validate_request(
    request: NewStoryRequest, units: Mapping[str, Unit], year: int, used: set[str]
) -> tuple[Unit, str]:
    """The unit and the story ID to use; raises :class:`NewStoryError` with a Chinese explanation."""
    assert request.unit is not None and request.title is not None and request.subject_name is not None
    unit = units.get(request.unit)
    if unit is None:
        listing = "\n".join(f"  {line}" for line in unit_lines(units))
        raise NewStoryError(f"没有编号为“{request.unit}”的单位。可用的单位编号：\n{listing}")
    if not unit.active_in(year):
        span = f"{unit.active_from or '…'}–{unit.active_to or '…'}"
        raise NewStoryError(f"单位“{unit.display_name}”在 {year} 年不参加活动（有效年度 {span}）：请核对单位或 --year")
    for value, label, limit in ((request.title, "标题", TITLE_MAX), (request.subject_name, "姓名或集体名称", NAME_MAX)):
        problem = _text_problem(value, label, limit)
        if problem:
            raise NewStoryError(problem)
    if request.subject_type is not None and request.subject_type not in SUBJECT_TYPE_LABELS:
        raise NewStoryError("--subject-type 只能是 individual（个人）或 collective（集体）")
    if request.story_id is None:
        return unit, next_story_id(year, unit.id, used)
    if not ID_PATTERN.match(request.story_id):
        raise NewStoryError(f"故事编号“{request.story_id}”只能用小写英文字母、数字和连字符（如 {year}-lin-postman）")
    if request.story_id in used:
        raise NewStoryError(
            f"故事编号“{request.story_id}”已经用过（现有文件或 git 历史中）：编号永不重复使用，请另起一个，"
            "或不写 --id 让程序自动分配"
        )
    return unit, request.story_id


def create_story(root: Path, settings: HonorRollConfig, request: NewStoryRequest, today: dt.date) -> CreatedStory:
    """Writes the new story; never overwrites anything."""
    year = request.year or today.year
    units, _ = load_units(root, settings.units_dir)
    if not units:
        raise NewStoryError(f"{settings.units_dir}/ 中没有单位文件：请先添加单位，再新建故事")
    used = used_ids(root, settings.stories_dir)
    unit, story_id = validate_request(request, units, year, used)
    folder = root / settings.stories_dir / str(year)
    path = folder / story_id / layout.INDEX if request.bundle else folder / f"{story_id}.md"
    text = render_story(story_id, request, unit, settings, year)
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        with path.open("x", encoding="utf-8", newline="\n") as handle:
            handle.write(text)
    except FileExistsError as exc:  # pragma: no cover - the ID check above makes this a race
        raise NewStoryError(f"{path} 已存在，没有覆盖任何文件") from exc
    return CreatedStory(story_id, path, path.relative_to(root).as_posix())


def next_steps(created: CreatedStory, bundle: bool) -> str:
    lines = [
        f"已创建故事 {created.id}：{created.relative}",
        "下一步：",
        "  1. 打开这个文件，按 # 后面的说明填写所有空着的字段，再写正文。",
        "  2. 运行 honorroll check：填好之前会逐条列出还没填的字段；全部填好后显示“检查通过”。",
        "  3. 运行 mkdocs serve 在浏览器中预览，然后提交合并请求。",
    ]
    if bundle:
        lines.append(f"  照片放在 {created.relative.rsplit('/', 1)[0]}/ 中，正文和封面只写文件名，并写好替代文字。")
    return "\n".join(lines) + "\n"
