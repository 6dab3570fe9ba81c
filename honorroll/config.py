"""Typed site-wide settings, declared the way MkDocs declares its own options.

The same class validates the ``honorroll`` plugin section of ``mkdocs.yml`` inside a
build and in the validation-only command, so a setting is never read by hand twice.
"""

from __future__ import annotations

import datetime as dt
import difflib
import os
import re
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from mkdocs.config import base
from mkdocs.config import config_options as c

DEFAULT_CATEGORIES = [
    "敬业奉献",
    "助人为乐",
    "见义勇为",
    "诚实守信",
    "孝老爱亲",
    "干事创业",
    "担当奉献",
    "创先争优",
    "移风易俗",
    "生态文明",
]
DEFAULT_HONOR_TITLES = ["道德模范", "最美人物", "身边好人", "岗位学雷锋标兵", "中国好人", "福建好人"]
DEFAULT_HONOR_LEVELS = {
    "national": "全国",
    "provincial": "省级",
    "municipal": "市级",
    "county": "县（区）级",
}
DEFAULT_QUOTAS = {"system": 2, "direct": 1, "member": 0}
ACTIVITY_MODES = ("offline", "online")
"""offline: held somewhere, counted in people (人次); online: published on a platform, counted in views."""
DEFAULT_ACTIVITY_KINDS = {
    "宣讲": "offline",
    "故事会": "offline",
    "报告会": "offline",
    "演讲会": "offline",
    "演出": "offline",
    "征文": "offline",
    "文艺创作": "offline",
    "道德讲堂": "offline",
    "线上宣讲": "online",
    "线上视频": "online",
}
TODAY_ENV = "HONORROLL_TODAY"


class IsoDate(base.BaseConfigOption[dt.date | None]):
    """A calendar date written as YYYY-MM-DD (YAML date or string)."""

    def __init__(self) -> None:
        super().__init__()
        self.default = None

    def run_validation(self, value: object) -> dt.date | None:
        if value is None or (isinstance(value, dt.date) and not isinstance(value, dt.datetime)):
            return value
        if isinstance(value, str):
            try:
                return dt.date.fromisoformat(value.strip())
            except ValueError:
                pass
        raise base.ValidationError(f"应为 YYYY-MM-DD 格式的日期，实际为 {value!r}")


class MonthDay(c.Type[str]):
    """A yearly date such as ``12-31``."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        try:
            dt.date.fromisoformat(f"2023-{text}")  # a non-leap year rules out 02-29
        except ValueError as exc:
            raise base.ValidationError(f"应为 MM-DD 格式（如 12-31），实际为 {text!r}") from exc
        return text


class TimeZone(c.Type[str]):
    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value)
        try:
            ZoneInfo(text)
        except (ZoneInfoNotFoundError, ValueError) as exc:
            raise base.ValidationError(f"未知时区 {text!r}，例如 Asia/Shanghai") from exc
        return text


class NonEmptyStrings(c.ListOfItems[str]):
    def __init__(self, default: list[str]) -> None:
        super().__init__(c.Type(str), default=default)

    def run_validation(self, value: object) -> list[str]:
        items = super().run_validation(value)
        if not items:
            raise base.ValidationError("列表不能为空")
        if len(set(items)) != len(items):
            raise base.ValidationError("列表中有重复项")
        return items


class HexColor(c.Type[str]):
    """A colour written as ``#rrggbb``."""

    def __init__(self, default: str) -> None:
        super().__init__(str, default=default)

    def run_validation(self, value: object) -> str:
        text = super().run_validation(value).strip()
        if not re.fullmatch(r"#[0-9A-Fa-f]{6}", text):
            raise base.ValidationError(f"颜色应写成 #rrggbb（如 #9e1b1b），实际为 {text!r}")
        return text.lower()


class ActivityKinds(c.DictOfItems[str]):
    """Activity kind (what editors write) → ``offline`` or ``online``."""

    def __init__(self, default: dict[str, str]) -> None:
        super().__init__(c.Choice(ACTIVITY_MODES), default=default)

    def run_validation(self, value: object) -> dict[str, str]:
        kinds = super().run_validation(value)
        if not kinds:
            raise base.ValidationError("至少要有一种活动形式")
        return kinds


_HOST = re.compile(r"^(?=.{1,253}$)(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z][a-z0-9-]{0,62}$")


class HostNames(c.ListOfItems[str]):
    """Bare host names (``www.example.gov.cn``): no scheme, port or path."""

    def __init__(self) -> None:
        super().__init__(c.Type(str), default=[])

    def run_validation(self, value: object) -> list[str]:
        hosts = [h.strip().lower() for h in super().run_validation(value)]
        for host in hosts:
            if not _HOST.match(host):
                raise base.ValidationError(
                    f"{host!r} 不是主机名：只写域名，如 www.example.gov.cn，不写 https:// 和路径"
                )
        return hosts


class Points(base.BaseConfigOption[float]):
    """A non-negative number of points; deductions are written as positive numbers too."""

    def __init__(self, default: float) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> float:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise base.ValidationError(f"应为数字（分值），实际为 {value!r}")
        if value < 0:
            raise base.ValidationError(f"分值不能为负数，实际为 {value!r}；扣分项也写正数")
        return value


class EditionPrefix(base.BaseConfigOption[str]):
    """One path segment for the Traditional Chinese edition; ``false`` or empty turns it off."""

    def __init__(self, default: str) -> None:
        super().__init__()
        self.default = default

    def run_validation(self, value: object) -> str:
        if value is None or value is False:
            return ""
        if not isinstance(value, str):
            raise base.ValidationError(f"应为一段网址路径（如 zh-hant）或 false，实际为 {value!r}")
        text = value.strip().strip("/")
        if text.lower() == "false":
            return ""
        if text and not re.fullmatch(r"[a-z0-9][a-z0-9_-]*", text):
            raise base.ValidationError(f"应为由小写字母、数字、- 和 _ 组成的一段路径（如 zh-hant），实际为 {value!r}")
        return text


class StrictConfig(base.Config):
    """A settings group where a misspelt key is an error: a policy that silently does not apply is worse."""

    def validate(self) -> tuple[list[Any], list[Any]]:
        failed, warnings = super().validate()
        known = self._schema_keys
        for key in sorted(set(self.keys()) - known, key=str):
            close = difflib.get_close_matches(str(key), sorted(known), n=1, cutoff=0.6)
            hint = f"是否想写 {close[0]}？" if close else f"可用的设置：{'、'.join(sorted(known))}"
            failed.append((key, base.ValidationError(f"未知的设置 {key!r}：{hint}")))
        return failed, [(key, w) for key, w in warnings if key in known]


class AudienceBand(StrictConfig):
    """One step of the audience scale: an activity reaching ``min`` people (or views) earns ``points``."""

    min = c.Type(int)
    points = Points(0)

    def validate(self) -> tuple[list[Any], list[Any]]:
        failed, warnings = super().validate()
        if not failed and self.min < 1:
            failed.append(("min", base.ValidationError("人次下限至少为 1")))
        return failed, warnings


class AudienceBands(c.ListOfItems[AudienceBand]):
    def __init__(self, default: list[dict[str, int]]) -> None:
        super().__init__(c.SubConfig(AudienceBand), default=default)

    def run_validation(self, value: object) -> list[AudienceBand]:
        bands = super().run_validation(value)
        lows = [band.min for band in bands]
        if lows != sorted(set(lows)):
            raise base.ValidationError("各档的 min 应从小到大排列且互不相同")
        return bands


class AssessmentConfig(StrictConfig):
    """Year-end assessment scoring (``assessment:`` under the plugin).

    The defaults only show how the settings work; each programme sets its own policy.
    """

    published_story = Points(2)
    """Points per story published in the year (the unit's own and its member units')."""
    above_quota_story = Points(1)
    """Extra points per published story beyond the yearly quota."""
    honor = c.DictOfItems(Points(0), default={"national": 10, "provincial": 6, "municipal": 3, "county": 1})
    """Points per honor awarded in the year, by level (keys from ``honor_levels``)."""
    activity = Points(1)
    """Points per activity held in the year."""
    audience_bands = AudienceBands([{"min": 50, "points": 1}, {"min": 200, "points": 2}, {"min": 500, "points": 3}])
    """Extra points per offline activity by its audience: the highest band reached counts."""
    view_bands = AudienceBands([{"min": 1000, "points": 1}, {"min": 5000, "points": 2}, {"min": 20000, "points": 3}])
    """Extra points per online activity by its views: the highest band reached counts."""
    shortfall_unrecorded = Points(3)
    """Points deducted per missing story in a closed year without a recorded shortfall."""
    shortfall_recorded = Points(1)
    """Points deducted per missing story in a closed year whose shortfall was recorded."""


class HonorRollConfig(base.Config):
    """Settings of the ``honorroll`` plugin in ``mkdocs.yml``."""

    programme_name = c.Type(str, default="身边故事、共同铭记")
    start_year = c.Type(int, default=2018)
    stories_dir = c.Type(str, default="stories")
    units_dir = c.Type(str, default="units")
    categories = NonEmptyStrings(DEFAULT_CATEGORIES)
    quotas = c.DictOfItems(c.Type(int), default=dict(DEFAULT_QUOTAS))
    deadline = MonthDay("12-31")
    timezone = TimeZone("Asia/Shanghai")
    min_notice_days = c.Type(int, default=5)
    honor_titles = NonEmptyStrings(DEFAULT_HONOR_TITLES)
    honor_levels = c.DictOfItems(c.Type(str), default=dict(DEFAULT_HONOR_LEVELS))
    max_photo_bytes = c.Type(int, default=5 * 1024 * 1024)
    max_photo_pixels = c.Type(int, default=40_000_000)
    """Largest photo in pixels (width × height); a bigger one is refused from its header, before decoding."""
    max_story_bytes = c.Type(int, default=1024 * 1024)
    """Largest story Markdown file; a bigger one is refused without being read."""
    share_font = c.Optional(c.Type(str))
    """CJK font for drawn share cards (path, relative to mkdocs.yml); default: Noto Sans CJK SC Bold via fontconfig."""
    share_emblem = c.Optional(c.Type(str))
    """Emblem drawn on share cards: a PNG or JPEG, ideally square with a transparent background (path, relative to mkdocs.yml)."""
    share_background = HexColor("#9e1b1b")
    share_foreground = HexColor("#ffffff")
    share_accent = HexColor("#f6c85f")
    share_cards = c.Choice(("site", "per_story"), default="site")
    """og:image of a story without a cover: the site's card (``site``, fast) or a card drawn per story
    (``per_story``, ≈35 s more for 20,000 stories on a cold cache: for small archives)."""
    """Colour of the honoree's name and the rule line on share cards."""
    summary_max_chars = c.Type(int, default=120)
    today = IsoDate()
    """Fixes "today" for reproducible builds; the ``HONORROLL_TODAY`` variable wins."""
    strict_quota = c.Type(bool, default=False)
    """Treat a shortfall in a still-open year as an error instead of a warning."""
    base_ref = c.Optional(c.Type(str))
    """Git revision to compare published IDs against (see docs/published-ids.md)."""
    objection_contact = c.Type(str, default="")
    """Contact for objections during public notice, shown on the 公示 page."""
    cache_dir = c.Type(str, default="")
    """Where caches live; empty means the user's cache folder (outside the repository).
    The ``HONORROLL_CACHE_DIR`` variable wins; a folder tracked by git is never read."""
    stamp_story_pages = c.Type(bool, default=True)
    """Render story pages by stamping them into a theme-rendered shell (fast, cached, parallel)
    instead of one MkDocs page each; turn off to let other MkDocs plugins see every story page."""
    activities_dir = c.Type(str, default="activities")
    """Activities (talks, performances, videos …): activities/<year>/<id>.md; the folder is optional."""
    activity_kinds = ActivityKinds(dict(DEFAULT_ACTIVITY_KINDS))
    official_hosts = HostNames()
    """Hosts an activity's ``link`` may point to besides the site itself (exact host names, https only)."""
    assessment = c.SubConfig(AssessmentConfig)
    traditional_prefix = EditionPrefix("zh-hant")
    """The whole site again in Traditional Chinese under this path; ``false`` turns the edition off."""
    traditional_variant = c.Choice(("s2t", "s2twp", "s2hk"), default="s2t")
    """OpenCC conversion: s2t (standard Traditional), s2twp (Taiwan, with its words), s2hk (Hong Kong)."""

    def validate(self) -> tuple[list[Any], list[Any]]:
        failed, warnings = super().validate()
        if not failed:
            unknown = set(self.quotas) - set(DEFAULT_QUOTAS)
            if unknown:
                failed.append(
                    ("quotas", base.ValidationError(f"未知的单位类型 {sorted(unknown)}，只能是 system、direct、member"))
                )
            if self.min_notice_days < 1:
                failed.append(("min_notice_days", base.ValidationError("公示期至少 1 个工作日")))
            if self.max_photo_pixels < 1_000_000:
                failed.append(("max_photo_pixels", base.ValidationError("至少 1000000（一百万像素）")))
            if self.max_story_bytes < 64 * 1024:
                failed.append(("max_story_bytes", base.ValidationError("至少 65536（64 KB）")))

            unknown_levels = set(self.assessment.honor) - set(self.honor_levels)
            if unknown_levels:
                failed.append(
                    (
                        "assessment",
                        base.ValidationError(
                            f"honor 中的级别 {sorted(unknown_levels)} 不在 honor_levels 中，只能是 {'、'.join(self.honor_levels)}"
                        ),
                    )
                )
        return failed, warnings


def effective_today(settings: HonorRollConfig, environ: dict[str, str] | None = None) -> dt.date:
    """The build's "today": environment variable, then option, then the clock in the configured zone."""
    env = os.environ if environ is None else environ
    pinned = env.get(TODAY_ENV, "").strip()
    if pinned:
        try:
            return dt.date.fromisoformat(pinned)
        except ValueError as exc:
            raise ValueError(f"环境变量 {TODAY_ENV} 应为 YYYY-MM-DD，实际为 {pinned!r}") from exc
    if settings.today is not None:
        return settings.today
    return dt.datetime.now(ZoneInfo(settings.timezone)).date()
