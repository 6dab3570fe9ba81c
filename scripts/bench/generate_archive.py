"""Deterministic synthetic honor-roll archive for build benchmarks.

Writes a complete content repository (units, stories, pages, mkdocs.yml) that follows
docs/content-format.md and passes every rule, so a benchmark measures a clean build.
The same story count and seed always produce byte-identical files.

    python scripts/bench/generate_archive.py --stories 5000 --out /tmp/archive [--seed 1]
    python scripts/bench/generate_archive.py --touch-one --out /tmp/archive
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import io
import json
import random
import shutil
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

import chinese_calendar
from PIL import Image

from honorroll.config import DEFAULT_CATEGORIES, DEFAULT_HONOR_LEVELS, DEFAULT_HONOR_TITLES

if __package__:
    from . import corpus
else:  # run as a script: the script's folder is on sys.path
    import corpus

START_YEAR = 2010
LAST_YEAR = 2026
# Closed years must meet quotas; the open year is filled too so builds show no warnings.
QUOTA_YEARS = range(START_YEAR, LAST_YEAR + 1)
TODAY = dt.date(2026, 11, 23)
LATEST_PUBLISH = dt.date(2026, 11, 1)
NOTICE_SPAN_DAYS = 8  # Monday + 8 = Tuesday of the next week: nine calendar days
MIN_NOTICE_WORKDAYS = 5
QUOTAS = {"system": 2, "direct": 1}
# The site's defaults, so generated stories always use valid values.
CATEGORIES = list(DEFAULT_CATEGORIES)
HONOR_TITLES = list(DEFAULT_HONOR_TITLES)
HONOR_LEVELS = list(DEFAULT_HONOR_LEVELS)
COLLECTIVE_SHARE = 0.25
FOLDER_SHARE = 0.02
HONOR_SHARE = 0.01
WITHDRAWN_SHARE = 0.005
COVER_NAME = "cover.jpg"
TOUCH_MARK = "（编者补记：本文根据回访内容补充了部分细节。）"
GENERATED_PATHS = ("units", "stories", "pages", "mkdocs.yml")

MKDOCS_YML = """\
site_name: 光荣榜基准
site_url: https://example.org/
docs_dir: pages
site_dir: build
theme:
  name: material
  language: zh
  font: false          # no Google Fonts: the site loads nothing from other hosts
plugins:
  - honorroll:
      start_year: 2010
      today: 2026-11-23
"""


@dataclass
class Unit:
    id: str
    name: str
    short_name: str
    kind: str
    parent: str | None = None
    active_from: int | None = None
    active_to: int | None = None

    def active(self, year: int) -> bool:
        return (self.active_from or START_YEAR) <= year <= (self.active_to or LAST_YEAR)


@dataclass
class Plan:
    """Where a story goes before any text exists: enough to guarantee the quotas."""

    year: int
    unit: str
    status: str = "published"


@dataclass
class Dates:
    nominated: dt.date
    recommended: dt.date
    checked: dt.date
    approved: dt.date
    notice_start: dt.date
    notice_end: dt.date
    published: dt.date | None = None
    withdrawn: dt.date | None = None


@dataclass
class Story:
    id: str
    year: int
    unit: Unit
    status: str
    category: str
    subject_type: str
    subject_name: str
    position: str | None
    title: str
    summary: str
    dates: Dates
    body: str
    checked_by: str
    tags: list[str] = field(default_factory=list)
    honors: list[tuple[str, str, int]] = field(default_factory=list)
    cover_alt: str | None = None
    withdrawal_reason: str | None = None
    flagged: str | None = None  # eligibility item found true (withdrawn stories only)


# ---------------------------------------------------------------- units


def unit_counts(n_stories: int) -> tuple[int, int, int]:
    """About one unit per 40 stories, at least ten: 35% systems, 25% direct, rest members."""
    total = max(10, round(n_stories / 40))
    systems = max(3, round(total * 0.35))
    direct = max(2, round(total * 0.25))
    return systems, direct, total - systems - direct


def variant(index: int, size: int) -> tuple[str, str]:
    """Place qualifier for the index-th reuse of a name pool (empty on the first pass)."""
    lap = index // size
    if lap == 0:
        return "", ""
    name, slug = corpus.PLACES[(lap - 1) % len(corpus.PLACES)]
    return name, f"-{slug}" + (f"-{letters(lap // len(corpus.PLACES))}" if lap > len(corpus.PLACES) else "")


def make_systems(count: int) -> list[Unit]:
    units = []
    for i in range(count):
        domain, slug = corpus.SYSTEM_DOMAINS[i % len(corpus.SYSTEM_DOMAINS)]
        place, suffix = variant(i, len(corpus.SYSTEM_DOMAINS))
        prefix = place or "市"
        short = f"{prefix}{domain}系统"
        units.append(Unit(f"{slug}{suffix}", f"{short}精神文明建设领导小组", short, "system"))
    return units


def make_direct(count: int) -> list[Unit]:
    units = []
    for i in range(count):
        name, short, slug = corpus.DIRECT_UNITS[i % len(corpus.DIRECT_UNITS)]
        place, suffix = variant(i, len(corpus.DIRECT_UNITS))
        if place:
            name, short = f"{name}{place}分部", f"{short}{place}分部"
        units.append(Unit(f"{slug}{suffix}", name, short, "direct"))
    return units


def make_members(count: int, systems: list[Unit], rng: random.Random, taken: set[str]) -> list[Unit]:
    units = []
    for i in range(count):
        parent = systems[i % len(systems)]  # round-robin keeps every system's family similar
        suffix, suffix_slug = rng.choice(corpus.MEMBER_SUFFIXES)
        place, place_slug = rng.choice(corpus.PLACES)
        unit_id = f"{parent.id}-{suffix_slug}"
        if unit_id in taken:
            unit_id = f"{unit_id}-{place_slug}"
        serial = 0
        while unit_id in taken:  # rare: same parent, suffix and place drawn twice
            serial += 1
            unit_id = f"{parent.id}-{suffix_slug}-{place_slug}-{letters(serial)}"
        taken.add(unit_id)
        name = f"{parent.short_name}{place}{suffix}"
        units.append(Unit(unit_id, name, name, "member", parent=parent.id))
    return units


def set_active_years(units: list[Unit], rng: random.Random) -> None:
    """Some units join late and a few direct units are merged away; members follow their parent."""
    by_id = {u.id: u for u in units}
    for unit in units:
        if unit.kind == "member":
            continue
        if rng.random() < 0.1:
            unit.active_from = rng.randint(2012, 2020)
        if unit.kind == "direct" and rng.random() < 0.05:
            unit.active_to = rng.randint(max(unit.active_from or START_YEAR, 2016) + 1, 2023)
    for unit in units:
        if unit.kind == "member" and unit.parent:
            unit.active_from = by_id[unit.parent].active_from


def build_units(n_stories: int, rng: random.Random) -> list[Unit]:
    n_sys, n_direct, n_member = unit_counts(n_stories)
    systems = make_systems(n_sys)
    direct = make_direct(n_direct)
    taken = {u.id for u in systems + direct}
    units = systems + direct + make_members(n_member, systems, rng, taken)
    set_active_years(units, rng)
    return units


# ---------------------------------------------------------------- plan


def quota_slots(units: list[Unit], rng: random.Random) -> list[Plan]:
    """Published stories every year needs; a system's share may go to its members."""
    members: dict[str, list[Unit]] = {}
    for unit in units:
        if unit.parent:
            members.setdefault(unit.parent, []).append(unit)
    slots = []
    for year in QUOTA_YEARS:
        for unit in units:
            if unit.kind not in QUOTAS or not unit.active(year):
                continue
            family = [unit] + [m for m in members.get(unit.id, []) if m.active(year)]
            slots += [Plan(year, rng.choice(family).id) for _ in range(QUOTAS[unit.kind])]
    return slots


def random_plans(count: int, units: list[Unit], rng: random.Random) -> list[Plan]:
    """Stories beyond the quotas: later years weigh more, as the programme grew."""
    years = list(range(START_YEAR, LAST_YEAR + 1))
    weights = [1 + 0.1 * (y - START_YEAR) for y in years]
    active = {y: [u.id for u in units if u.active(y)] for y in years}
    plans = []
    for year in rng.choices(years, weights, k=count):
        plans.append(Plan(year, rng.choice(active[year])))
    return plans


def plan_stories(n_stories: int, units: list[Unit], rng: random.Random) -> list[Plan]:
    n_notice = rng.choice([2, 3])
    n_withdrawn = round(n_stories * WITHDRAWN_SHARE)
    slots = quota_slots(units, rng)
    extra = n_stories - n_notice - len(slots)
    if extra < n_withdrawn:
        minimum = n_notice + len(slots) + n_withdrawn
        raise ValueError(f"{n_stories} stories cannot meet the unit quotas; use at least {minimum}")
    extras = random_plans(extra, units, rng)
    for plan in rng.sample(extras, n_withdrawn):  # never a quota slot, so quotas still hold
        plan.status = "withdrawn"
    open_units = [u.id for u in units if u.active(LAST_YEAR)]
    notices = [Plan(LAST_YEAR, rng.choice(open_units), "notice") for _ in range(n_notice)]
    plans = slots + extras + notices
    rng.shuffle(plans)
    return plans


# ---------------------------------------------------------------- dates


def workdays(start: dt.date, end: dt.date) -> int:
    days = (end - start).days + 1
    return sum(chinese_calendar.is_workday(start + dt.timedelta(d)) for d in range(days))


def notice_window(earliest: dt.date, rng: random.Random) -> tuple[dt.date, dt.date]:
    """First Monday on/after ``earliest`` (maybe a week later) whose nine days hold five workdays."""
    start = earliest + dt.timedelta((7 - earliest.weekday()) % 7 + 7 * rng.randint(0, 1))
    while workdays(start, start + dt.timedelta(NOTICE_SPAN_DAYS)) < MIN_NOTICE_WORKDAYS:
        start += dt.timedelta(7)  # holiday weeks such as Spring Festival or National Day
    return start, start + dt.timedelta(NOTICE_SPAN_DAYS)


def day_in(year: int, first: tuple[int, int], last: tuple[int, int], rng: random.Random) -> dt.date:
    lo, hi = dt.date(year, *first), dt.date(year, *last)
    return lo + dt.timedelta(rng.randint(0, (hi - lo).days))


def earlier_steps(approved: dt.date, rng: random.Random) -> tuple[dt.date, dt.date, dt.date]:
    recommended = approved - dt.timedelta(rng.randint(3, 30))
    nominated = recommended - dt.timedelta(rng.randint(5, 40))
    checked = approved - dt.timedelta(rng.randint(0, (approved - recommended).days))
    return nominated, recommended, checked


def published_dates(year: int, withdrawn: bool, rng: random.Random) -> Dates:
    # Closed years publish by late December; the open year by LATEST_PUBLISH.
    last_approval = (11, 20) if year < LAST_YEAR else (9, 15)
    approved = day_in(year, (3, 15), last_approval, rng)
    start, end = notice_window(approved, rng)
    published = min(end + dt.timedelta(rng.randint(1, 10)), LATEST_PUBLISH)
    if not (approved <= start and end < published <= LATEST_PUBLISH and published.year == year):
        raise AssertionError(f"bad dates for {year}: {approved} {start} {end} {published}")
    dates = Dates(*earlier_steps(approved, rng), approved, start, end, published)
    if withdrawn:
        dates.withdrawn = min(published + dt.timedelta(rng.randint(30, 700)), TODAY - dt.timedelta(1))
    return dates


def notice_dates(rng: random.Random) -> Dates:
    """An open notice that is still running on TODAY, so the build gives no warning."""
    start = rng.choice([dt.date(2026, 11, 16), dt.date(2026, 11, 23)])
    end = start + dt.timedelta(NOTICE_SPAN_DAYS)
    if workdays(start, end) < MIN_NOTICE_WORKDAYS:
        raise AssertionError(f"notice {start}..{end} is too short")
    approved = start - dt.timedelta(rng.randint(1, 6))
    return Dates(*earlier_steps(approved, rng), approved, start, end)


def story_dates(plan: Plan, rng: random.Random) -> Dates:
    if plan.status == "notice":
        return notice_dates(rng)
    return published_dates(plan.year, plan.status == "withdrawn", rng)


# ---------------------------------------------------------------- text


def letters(number: int, width: int = 1) -> str:
    """Base-26 letters: ids carry no long digit runs that could look like phone numbers."""
    out = ""
    while True:
        number, rest = divmod(number, 26)
        out = chr(ord("a") + rest) + out
        if number == 0:
            break
    return out.rjust(width, "a")


def individual(rng: random.Random) -> tuple[str, str, str]:
    """(name, pronoun, id slug) of an invented person."""
    surname, slug = rng.choice(corpus.SURNAMES)
    female = rng.random() < 0.45
    pool = corpus.GIVEN_FEMALE if female else corpus.GIVEN_MALE
    given = "".join(rng.choice(pool) for _ in range(rng.choice([1, 2, 2])))
    return surname + given, "她" if female else "他", slug


def collective(rng: random.Random) -> tuple[str, str, str]:
    place, _ = rng.choice(corpus.PLACES)
    name = f"{place}{rng.choice(corpus.NEIGHBOURHOODS)}{rng.choice(corpus.COLLECTIVE_KINDS)}"
    return name, "他们", "team"


def fill(template: str, ctx: dict[str, str]) -> str:
    return template.format_map(ctx)


def takes_time_prefix(template: str) -> bool:
    """A time phrase fits before "他做……" but not before "他说……" or "在……"."""
    return template.startswith("{ta}") and template[4] not in "的说常总是用把"


def build_body(category: str, ctx: dict[str, str], rng: random.Random) -> list[str]:
    """Several paragraphs of about 1,500 characters drawn from the sentence pools."""
    target = rng.randint(1250, 1550)
    pool = corpus.CATEGORY_SENTENCES[category] + corpus.GENERAL
    sentences = iter(rng.sample(pool, len(pool)))
    paragraphs = [fill(rng.choice(corpus.OPENINGS), ctx)]
    size = len(paragraphs[0])
    while size < target:
        parts = []
        for _ in range(rng.randint(4, 8)):
            template = next(sentences)
            sentence = fill(template, ctx)
            if rng.random() < 0.2 and takes_time_prefix(template):
                sentence = rng.choice(corpus.TIME_PREFIXES) + sentence
            parts.append(sentence)
        paragraphs.append("".join(parts))
        size += len(paragraphs[-1])
    paragraphs.append(fill(rng.choice(corpus.CLOSINGS), ctx))
    return paragraphs


def checked_by(unit: Unit, by_id: dict[str, Unit]) -> str:
    owner = by_id[unit.parent] if unit.parent else unit
    return f"{owner.short_name}文明办"


def make_story(index: int, plan: Plan, by_id: dict[str, Unit], rng: random.Random) -> Story:
    unit = by_id[plan.unit]
    category = rng.choice(CATEGORIES)
    is_group = rng.random() < COLLECTIVE_SHARE
    name, pronoun, slug = collective(rng) if is_group else individual(rng)
    place = rng.choice(corpus.NEIGHBOURHOODS)
    ctx = {
        "name": name,
        "ta": pronoun,
        "unit": unit.short_name,
        "place": place,
        "epithet": rng.choice(corpus.EPITHETS),
        "years": rng.choice(corpus.YEARS_PHRASES),
        "deed": rng.choice(corpus.DEEDS),
    }
    summary = fill(rng.choice(corpus.SUMMARY_TEMPLATES), ctx)[:120]
    return Story(
        id=f"{plan.year}-{slug}-{letters(index, 3)}",
        year=plan.year,
        unit=unit,
        status=plan.status,
        category=category,
        subject_type="collective" if is_group else "individual",
        subject_name=name,
        position=None if is_group else rng.choice(corpus.POSITIONS),
        title=fill(rng.choice(corpus.TITLE_TEMPLATES), ctx),
        summary=summary,
        dates=story_dates(plan, rng),
        body="\n\n".join(build_body(category, ctx, rng)),
        checked_by=checked_by(unit, by_id),
        tags=rng.sample(corpus.TAGS, rng.randint(0, 3)),
    )


def add_extras(stories: list[Story], rng: random.Random) -> None:
    """Covers, honors and withdrawal details for small random subsets."""
    n_folder = max(1, round(len(stories) * FOLDER_SHARE))
    for story in rng.sample(stories, n_folder):
        story.cover_alt = fill(rng.choice(corpus.PHOTO_ALTS), {"name": story.subject_name})
    published = [s for s in stories if s.status == "published"]
    for story in rng.sample(published, max(1, round(len(stories) * HONOR_SHARE))):
        for _ in range(rng.randint(1, 2)):
            year = rng.randint(story.year, min(LAST_YEAR, story.year + 3))
            story.honors.append((rng.choice(HONOR_TITLES), rng.choice(HONOR_LEVELS), year))
    for story in stories:
        if story.status == "withdrawn":
            story.withdrawal_reason = rng.choice(corpus.WITHDRAWAL_REASONS)
            if rng.random() < 0.5:
                story.flagged = rng.choice(["controversial", "criminal_record", "disciplinary_sanction"])


# ---------------------------------------------------------------- rendering


def q(text: str) -> str:
    """A JSON string is a valid YAML double-quoted scalar, so no YAML escaping pitfalls."""
    return json.dumps(text, ensure_ascii=False)


def front_matter(story: Story) -> list[str]:
    d = story.dates
    lines = [
        "---",
        f"title: {q(story.title)}",
        "subject:",
        f"  type: {story.subject_type}",
        f"  name: {q(story.subject_name)}",
    ]
    if story.position:
        lines.append(f"  position: {q(story.position)}")
    lines += [f"unit: {story.unit.id}", f"category: {q(story.category)}", f"summary: {q(story.summary)}"]
    if story.cover_alt:
        lines.append(f"cover: {{src: {COVER_NAME}, alt: {q(story.cover_alt)}}}")
    lines.append("eligibility:")
    for item in ("controversial", "criminal_record", "disciplinary_sanction"):
        lines.append(f"  {item}: {'true' if story.flagged == item else 'false'}")
    lines += [
        f"  checked_by: {q(story.checked_by)}",
        f"  checked_on: {d.checked}",
        "process:",
        f"  nominated_on: {d.nominated}",
        f"  recommended_on: {d.recommended}",
        f"  approved_on: {d.approved}",
        f"  notice: {{start: {d.notice_start}, end: {d.notice_end}}}",
        f"status: {story.status}",
    ]
    if d.published:
        lines.append(f"published_on: {d.published}")
    if d.withdrawn and story.withdrawal_reason:
        lines.append(f"withdrawn: {{on: {d.withdrawn}, reason: {q(story.withdrawal_reason)}}}")
    if story.honors:
        lines.append("honors:")
        lines += [f"  - {{title: {q(t)}, level: {lv}, year: {y}}}" for t, lv, y in story.honors]
    if story.tags:
        lines.append(f"tags: [{', '.join(q(t) for t in story.tags)}]")
    lines.append("---")
    return lines


def render_story(story: Story) -> str:
    body = story.body
    if story.cover_alt:
        body += f"\n\n![{story.cover_alt}]({COVER_NAME})"
    return "\n".join(front_matter(story)) + "\n\n" + body + "\n"


def render_unit(unit: Unit) -> str:
    lines = [f"name: {q(unit.name)}", f"short_name: {q(unit.short_name)}", f"kind: {unit.kind}"]
    if unit.parent:
        lines.append(f"parent: {unit.parent}")
    if unit.active_from:
        lines.append(f"active_from: {unit.active_from}")
    if unit.active_to:
        lines.append(f"active_to: {unit.active_to}")
    return "\n".join(lines) + "\n"


def cover_jpeg() -> bytes:
    """One smooth pseudo-photo of about 20 KB; its bytes are reused for every cover."""
    rng = random.Random(2010)
    small = Image.frombytes("RGB", (16, 12), bytes(rng.randrange(256) for _ in range(16 * 12 * 3)))
    buffer = io.BytesIO()
    small.resize((480, 360), Image.Resampling.BICUBIC).save(buffer, "JPEG", quality=85)
    return buffer.getvalue()


def write_text(path: Path, text: str) -> None:
    with open(path, "w", encoding="utf-8", newline="\n") as handle:
        handle.write(text)


def write_story(stories_dir: Path, story: Story, photo: bytes) -> None:
    year_dir = stories_dir / str(story.year)
    if story.cover_alt:
        folder = year_dir / story.id
        folder.mkdir()
        write_text(folder / "index.md", render_story(story))
        (folder / COVER_NAME).write_bytes(photo)
    else:
        write_text(year_dir / f"{story.id}.md", render_story(story))


def prepare_out(out: Path, force: bool) -> None:
    """Refuse to mix with existing files; --force removes only what this script writes."""
    out.mkdir(parents=True, exist_ok=True)
    if any(out.iterdir()) and not force:
        raise FileExistsError(f"{out} is not empty; pass --force to replace a generated archive")
    for name in GENERATED_PATHS:
        target = out / name
        if target.is_dir():
            shutil.rmtree(target)
        elif target.exists():
            target.unlink()


def generate(n_stories: int, out: Path, seed: int = 1, force: bool = False) -> dict[str, int]:
    """Write the archive; returns counts by kind of object for reporting."""
    rng = random.Random(seed)
    units = build_units(n_stories, rng)
    by_id = {u.id: u for u in units}
    plans = plan_stories(n_stories, units, rng)
    stories = [make_story(i, plan, by_id, rng) for i, plan in enumerate(plans)]
    add_extras(stories, rng)

    prepare_out(out, force)
    for sub in ("units", "pages"):
        (out / sub).mkdir()
    for unit in units:
        write_text(out / "units" / f"{unit.id}.yml", render_unit(unit))
    for year in range(START_YEAR, LAST_YEAR + 1):
        (out / "stories" / str(year)).mkdir(parents=True)
    photo = cover_jpeg()
    for story in stories:
        write_story(out / "stories", story, photo)
    # No pages/index.md: the home page is the generated honor roll (a page there is refused, see rules/pages.py).
    write_text(out / "pages" / "about.md", corpus.ABOUT_PAGE)
    write_text(out / "mkdocs.yml", MKDOCS_YML)
    return {
        "units": len(units),
        "stories": len(stories),
        "folders": sum(1 for s in stories if s.cover_alt),
        "collective": sum(1 for s in stories if s.subject_type == "collective"),
        "withdrawn": sum(1 for s in stories if s.status == "withdrawn"),
        "notice": sum(1 for s in stories if s.status == "notice"),
        "honored": sum(1 for s in stories if s.honors),
    }


# ---------------------------------------------------------------- helpers for benchmarks


def modify_one_story(archive: Path) -> Path:
    """Toggle a closing note in one published story's body; same story every time."""
    files = sorted((archive / "stories").rglob("*.md"))
    middle = len(files) // 2
    for path in files[middle:] + files[:middle]:
        text = path.read_text(encoding="utf-8")
        if "\nstatus: published\n" not in text:
            continue
        note = f"\n{TOUCH_MARK}\n"
        text = text[: -len(note)] if text.endswith(note) else text + note
        write_text(path, text)
        return path
    raise FileNotFoundError(f"no published story under {archive / 'stories'}")


def tree_digest(root: Path) -> str:
    """SHA-256 over relative paths and contents, for determinism checks."""
    digest = hashlib.sha256()
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        digest.update(path.relative_to(root).as_posix().encode() + b"\0")
        digest.update(path.read_bytes() + b"\0")
    return digest.hexdigest()


def tree_size(root: Path) -> tuple[int, int]:
    files = [p for p in root.rglob("*") if p.is_file()]
    return len(files), sum(p.stat().st_size for p in files)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--out", type=Path, required=True, help="archive folder (outside the repository)")
    parser.add_argument("--stories", type=int, help="number of stories to generate")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--force", action="store_true", help="replace a previously generated archive")
    parser.add_argument("--touch-one", action="store_true", help="edit one story's body and exit")
    parser.add_argument("--digest", action="store_true", help="print a SHA-256 of the whole tree")
    args = parser.parse_args(argv)

    if args.touch_one:
        print(modify_one_story(args.out))
        return 0
    if args.stories is None:
        parser.error("--stories is required unless --touch-one is given")
    started = time.perf_counter()
    try:
        counts = generate(args.stories, args.out, args.seed, args.force)
    except (ValueError, FileExistsError) as exc:
        parser.exit(2, f"error: {exc}\n")
    elapsed = time.perf_counter() - started
    n_files, n_bytes = tree_size(args.out)
    print(f"generated {args.out} in {elapsed:.2f} s: {n_files} files, {n_bytes / 1e6:.1f} MB")
    print("  " + ", ".join(f"{k} {v}" for k, v in counts.items()))
    if args.digest:
        print(f"  sha256 {tree_digest(args.out)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
