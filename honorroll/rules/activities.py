"""Rules on activities: their own fields, the stories and unit they name, links, photos, privacy, safety."""

from __future__ import annotations

import re
from collections import defaultdict
from collections.abc import Iterator, Mapping
from html.parser import HTMLParser
from urllib.parse import SplitResult, unquote, urlsplit

from honorroll.content import yamlio
from honorroll.content.activities import Activity
from honorroll.content.loader import images_in  # the one image syntax reader, shared with stories
from honorroll.content.model import Archive, Story
from honorroll.content.schema import ACTIVITY_MODE_LABELS
from honorroll.diagnostics import Diagnostic, Severity, error, warning
from honorroll.html_policy import url_scheme
from honorroll.rules.archive import _suggest  # the same “是否想写” hint as for stories
from honorroll.rules.context import CheckContext
from honorroll.rules.privacy import _file_name_message, kinds_in, privacy_message, text_privacy
from honorroll.rules.safety import body_diagnostics, render_body
from honorroll.rules.story import photo_diagnostics, photo_file_problems

E, W = Severity.ERROR, Severity.WARNING


def at_field(
    severity: Severity, rule: str, activity: Activity, path: tuple[str | int, ...], message: str
) -> Diagnostic:
    """A diagnostic pointing at the line of a front-matter field of an activity."""
    line = yamlio.line_of(activity.front_matter, path, activity.front_matter_line)
    field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    return Diagnostic(severity, rule, activity.file, line, field, message)


def check_activity_ids(activities: list[Activity]) -> Iterator[Diagnostic]:
    files: dict[str, list[str]] = defaultdict(list)
    for activity in activities:
        files[activity.id].append(activity.file)
    for activity_id, paths in files.items():
        for path in paths if len(paths) > 1 else []:
            others = "、".join(p for p in paths if p != path)
            yield error(
                "id", path, 1, "", f"活动编号“{activity_id}”重复（另见 {others}）：编号在所有年度中必须唯一，请改名"
            )


def check_date(activity: Activity, ctx: CheckContext) -> Iterator[Diagnostic]:
    if activity.date is None:
        return
    if activity.date.year != activity.year:
        yield at_field(
            E,
            "activity",
            activity,
            ("date",),
            f"活动放在 {activity.year} 年度文件夹中，但活动日期是 {activity.date.year} 年："
            f"请把它移到 {ctx.settings.activities_dir}/{activity.date.year}/ 或更正日期",
        )
    if activity.date > ctx.today:
        yield at_field(
            E,
            "activity",
            activity,
            ("date",),
            f"活动日期 {activity.date} 在今天（{ctx.today}）之后：活动举办（或视频发布）之后再登记",
        )


_MODE_FIELDS = {"offline": ("place", "audience"), "online": ("platform", "views")}
_FIELD_LABELS = {"place": "地点", "audience": "参与人次", "platform": "发布平台", "views": "观看量"}


def check_mode_fields(activity: Activity, ctx: CheckContext) -> Iterator[Diagnostic]:
    """Offline activities have a place and an audience; online ones a platform and views."""
    if activity.mode is None:
        return
    needed = _MODE_FIELDS[activity.mode]
    other = next(fields for mode, fields in _MODE_FIELDS.items() if mode != activity.mode)
    mode = ACTIVITY_MODE_LABELS[activity.mode]
    values = {
        "place": activity.place,
        "audience": activity.audience,
        "platform": activity.platform,
        "views": activity.views,
    }
    for name in needed:
        if values[name] is None and name not in _written(activity):
            yield at_field(
                E,
                "activity",
                activity,
                ("kind",),
                f"“{activity.kind}”是{mode}活动，必须填写 {name}（{_FIELD_LABELS[name]}）；人数不确切时填写估计数",
            )
    for name in other:
        if name in _written(activity):
            yield at_field(
                E,
                "activity",
                activity,
                (name,),
                f"“{activity.kind}”是{mode}活动，不填写 {name}（{_FIELD_LABELS[name]}）：请改为 "
                f"{'、'.join(needed)}；线下活动同时网络直播的，直播另登记一条线上活动",
            )


def _written(activity: Activity) -> set[str]:
    """Top-level keys present in the front matter, including ones the schema rejected."""
    return set(re.findall(r"(?m)^([A-Za-z_][\w-]*)\s*:", activity.front_matter))


def check_featured_stories(activity: Activity, stories: Mapping[str, Story], ctx: CheckContext) -> Iterator[Diagnostic]:
    if not activity.stories and "stories" in _written(activity):
        yield at_field(E, "activity", activity, ("stories",), "stories 至少填写一个故事编号：活动讲述了哪些故事")
    seen: set[str] = set()
    for index, story_id in enumerate(activity.stories):
        path = ("stories", index)
        if story_id in seen:
            yield at_field(E, "activity", activity, path, f"故事编号“{story_id}”重复填写，请删除多余的一个")
            continue
        seen.add(story_id)
        story = stories.get(story_id)
        if story is None:
            yield at_field(
                E,
                "activity",
                activity,
                path,
                f"故事编号“{story_id}”不存在{_suggest(story_id, stories)}：请填写 {ctx.settings.stories_dir}/ 中故事的编号",
            )
        elif story.status == "withdrawn":
            yield at_field(
                E,
                "activity",
                activity,
                path,
                f"故事“{story_id}”已撤下，不能再出现在公开的活动记录中：请从 stories 中删除这个编号",
            )
        elif not story.is_published:
            yield at_field(
                E,
                "activity",
                activity,
                path,
                f"故事“{story_id}”还没有发布（公示中）：只有已发布的故事才能记入活动，请等故事发布后再添加",
            )
        elif activity.date and story.published_on and activity.date < story.published_on:
            yield at_field(
                W,
                "activity",
                activity,
                path,
                f"活动日期 {activity.date} 早于故事“{story_id}”的发布日期 {story.published_on}：请核对两个日期",
            )


def check_activity_unit(activity: Activity, archive: Archive, ctx: CheckContext) -> Iterator[Diagnostic]:
    if activity.unit is None:
        return
    unit = archive.units.get(activity.unit)
    if unit is None:
        yield at_field(
            E,
            "unit",
            activity,
            ("unit",),
            f"组织单位“{activity.unit}”不存在{_suggest(activity.unit, archive.units)}：unit 填写 {ctx.settings.units_dir}/ 中单位文件的文件名（不含 .yml）",
        )
    elif not unit.active_in(activity.year):
        yield at_field(
            E,
            "unit",
            activity,
            ("unit",),
            f"单位“{unit.display_name}”在 {activity.year} 年不参加活动（有效年度 {unit.active_from or '…'}–{unit.active_to or '…'}）：请核对单位或年度",
        )


# ---------------------------------------------------------------- links


def link_allowed(url: str, site_url: str | None, official_hosts: list[str]) -> bool:
    """True for a link into the site itself or an https link to an exact official host."""
    if "\\" in url or any(ch.isspace() or ord(ch) < 32 for ch in url):
        return False
    try:
        parts = urlsplit(url)
        port = parts.port
    except ValueError:
        return False
    if parts.username is not None or parts.password is not None:
        return False
    if site_url and _inside_site(parts, port, site_url):
        return True
    return parts.scheme.lower() == "https" and port is None and (parts.hostname or "") in official_hosts


def _inside_site(parts: SplitResult, port: int | None, site_url: str) -> bool:
    site = urlsplit(site_url)
    if (parts.scheme.lower(), parts.hostname, port) != (site.scheme.lower(), site.hostname, site.port):
        return False
    prefix = site.path if site.path.endswith("/") else site.path + "/"
    path = parts.path if parts.path.endswith("/") else parts.path + "/"
    # Browsers resolve %2e%2e as ".." too: judge the decoded path.
    return path.startswith(prefix) and ".." not in unquote(parts.path).replace("\\", "/").split("/")


def _allowed_hosts_text(site_url: str | None, official_hosts: list[str]) -> str:
    places = [f"本站（{site_url}）"] if site_url else []
    if official_hosts:
        places.append("官方网站 " + "、".join(official_hosts))
    return "或".join(places) or "（站点未设置 site_url 和 official_hosts，不能写链接）"


_BODY_URL = re.compile(r"(?i)(?<![\w.+-])(?:[a-z][a-z0-9+.-]*:)?//[^\s<>\"'()\[\]]+")


def check_links(activity: Activity, site_url: str | None, hosts: list[str]) -> Iterator[Diagnostic]:
    allowed = _allowed_hosts_text(site_url, hosts)
    if activity.link is not None and not link_allowed(activity.link, site_url, hosts):
        yield at_field(
            E,
            "link",
            activity,
            ("link",),
            f"链接“{activity.link}”不在允许范围内：活动链接只能指向{allowed}，并使用 https；"
            "其他网站请由维护人员加入站点设置 official_hosts，或删除 link",
        )
    if ":" not in activity.body and "/" not in activity.body and "\\" not in activity.body:
        return
    lines = activity.body.splitlines()
    reported: set[tuple[int, str]] = set()
    for offset, line in enumerate(lines):  # addresses written out as text, linked or not
        for match in _BODY_URL.finditer(line):
            if not link_allowed(match.group(0), site_url, hosts):
                reported.add((offset, match.group(0)))
                yield error(
                    "link",
                    activity.file,
                    activity.body_line + offset,
                    "正文",
                    f"正文中的链接“{match.group(0)}”不在允许范围内：只能链接到{allowed}，请删除或改为允许的网址",
                )
    for href in _rendered_hrefs(activity.body):
        target = _as_browsers_read(href)
        if _leaves_the_page(target) and not link_allowed(target, site_url, hosts):
            offset = next((i for i, line in enumerate(lines) if href in line or target in line), 0)
            if any(offset == line and (target.startswith(url) or url.startswith(target)) for line, url in reported):
                continue
            yield error(
                "link",
                activity.file,
                activity.body_line + offset,
                "正文",
                f"正文中的链接“{href}”不在允许范围内：只能链接到{allowed}，请删除或改为允许的网址",
            )


class _Hrefs(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.found: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.found += [value for name, value in attrs if name == "href" and value]


def _rendered_hrefs(body: str) -> list[str]:
    """Every link the page will have: the body rendered as the site renders it (references, autolinks, raw HTML)."""
    parser = _Hrefs()
    parser.feed(render_body(body))
    return parser.found


def _as_browsers_read(href: str) -> str:
    """Browsers drop tabs and line breaks in a URL and read a backslash as a slash."""
    return re.sub(r"[\t\n\r]", "", href).strip().replace("\\", "/")


def _leaves_the_page(url: str) -> bool:
    """An address with a scheme (``http:evil.example`` is a host to a browser) or a network path (``//host``)."""
    return url.startswith("//") or url_scheme(url) is not None


# ---------------------------------------------------------------- photos, privacy, safety


def activity_images(activity: Activity) -> list[tuple[str, str | None, int, str]]:
    """(src, alt, line, field) of the cover and of every image written in the body."""
    found: list[tuple[str, str | None, int, str]] = []
    if activity.cover is not None:
        found.append((activity.cover.src, activity.cover.alt, activity.cover.line, "cover"))
    found += [(src, alt, line, "正文") for src, alt, line in images_in(activity.body, activity.body_line)]
    return found


def check_activity_photos(activity: Activity, ctx: CheckContext) -> Iterator[Diagnostic]:
    photos = [(src, alt, where, line) for src, alt, line, where in activity_images(activity)]
    yield from photo_diagnostics(activity.file, photos, lambda src: _activity_photo_problems(activity, ctx, src))


def _activity_photo_problems(activity: Activity, ctx: CheckContext, src: str) -> Iterator[str]:
    lowered = src.lower()
    if re.match(r"^[a-z][a-z0-9+.-]*:", lowered) or lowered.startswith("//"):
        yield f"照片“{src}”是网址：站点不加载外部资源，请把照片文件放进活动文件夹，并写文件名"
        return
    if src.startswith("/") or "\\" in src or ".." in src.split("/"):
        yield f"照片路径“{src}”不能以 / 开头、不能含 .. 或 \\：请把照片放进活动自己的文件夹，只写文件名"
        return
    if not activity.is_bundle:
        yield f"只有文件夹形式的活动才能带照片：请把 {activity.file} 改为 {activity.file[:-3]}/index.md，照片放在同一文件夹"
        return
    yield from photo_file_problems(ctx, activity.folder, src)


def check_activity_privacy(activity: Activity, ctx: CheckContext) -> Iterator[Diagnostic]:
    fields: list[tuple[tuple[str | int, ...], str | None]] = [
        (("title",), activity.title),
        (("summary",), activity.summary),
        (("place",), activity.place),
        (("platform",), activity.platform),
        (("link",), activity.link),
        (("cover", "alt"), activity.cover.alt if activity.cover else None),
    ]
    for path, text in fields:
        for kind in kinds_in(text):
            severity = W if kind == "id-typo" else E
            yield at_field(severity, "privacy", activity, path, privacy_message(kind, "活动的公开内容中"))
    yield from text_privacy(activity.file, activity.body, activity.body_line, "正文", "活动的公开内容中")
    # The ID is the file's name and an anchor on the year page and in every featured story's link.
    for kind in kinds_in(activity.id):
        make = warning if kind == "id-typo" else error
        yield make("privacy", activity.file, 1, "文件名", _file_name_message(kind))


def check_activity_safety(activity: Activity, ctx: CheckContext) -> Iterator[Diagnostic]:
    """The same allow-list as story bodies (see :mod:`honorroll.html_policy`)."""
    yield from body_diagnostics(activity.file, activity.body_line, activity.body, "正文")


def check_activities(
    activities: list[Activity], archive: Archive, ctx: CheckContext, site_url: str | None
) -> list[Diagnostic]:
    """Every rule on every activity; the archive's stories and units must be loaded first."""
    found = list(check_activity_ids(activities))
    hosts = list(ctx.settings.official_hosts)
    stories = archive.by_id()
    for activity in activities:
        found += check_date(activity, ctx)
        found += check_mode_fields(activity, ctx)
        found += check_featured_stories(activity, stories, ctx)
        found += check_activity_unit(activity, archive, ctx)
        found += check_links(activity, site_url, hosts)
        found += check_activity_photos(activity, ctx)
        found += check_activity_privacy(activity, ctx)
        found += check_activity_safety(activity, ctx)
    return found
