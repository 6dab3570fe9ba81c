"""Lighthouse scores and the Nu HTML checker's findings for a built site, served as it will be published.

    bash scripts/build-sample && python scripts/bench/lighthouse.py     # the sample site in build/
    python scripts/bench/lighthouse.py path/to/site --runs 3             # or an unzipped CI artifact, a .zip
    python scripts/bench/lighthouse.py --skip-lighthouse                 # only the HTML check (seconds)

Serves the site on 127.0.0.1 at its real path prefix (``honorroll.cli.preview``, the same server as
``honorroll preview``), with gzip as static hosts such as GitHub Pages send text (``--no-gzip`` to
measure without). Then:

- Lighthouse (npm ``lighthouse``, pinned; mobile: the default emulated phone and slow-4G
  throttling) on the home page, a story with a cover photo, one without, and the search page:
  Performance, Accessibility, Best Practices and SEO, and the LCP, as a Markdown table, the median
  run of ``--runs``; the audits that cost points are listed under it.
- The Nu HTML checker (npm ``vnu-jar``, run with ``java -jar``) on one page of every page type,
  found by reading the built site (``data/stories.json`` and the pages' own markup), not by name.
  Errors are printed one by one, warnings grouped and counted. An error whose markup is verbatim
  in a Material for MkDocs template that our theme does not override is Material's; every other
  error is ours, and makes the exit status 1.

The tools are installed with npm into ``~/.cache/honorroll-tools`` (``HONORROLL_TOOLS_DIR``) when
missing, never into the repository. Needs Node.js ≥ 18, Chromium (``CHROME_PATH``, else
/usr/bin/chromium) and Java ≥ 11 (Debian: ``apt-get install openjdk-17-jre-headless``).
"""

from __future__ import annotations

import argparse
import gzip
import io
import json
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
from collections import defaultdict
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from functools import partial
from pathlib import Path
from typing import Any
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from honorroll.cli import preview  # noqa: E402

LIGHTHOUSE = ("lighthouse", "12.2.3")  # 13 needs Node 22
VNU = ("vnu-jar", "26.9.27")
TOOLS_DIR = Path(os.environ.get("HONORROLL_TOOLS_DIR") or Path.home() / ".cache" / "honorroll-tools")
CHROME_FLAGS = "--headless=new --no-sandbox"
THEME = ROOT / "honorroll" / "theme"

CATEGORIES = (
    ("performance", "Performance", 95),
    ("accessibility", "Accessibility", 100),
    ("best-practices", "Best Practices", 100),
    ("seo", "SEO", 100),
)
"""Lighthouse's category ids, the column labels and the targets (issue 10)."""

GENERATED_SECTIONS = frozenset(
    {"stories", "s", "years", "units", "categories", "honors", "notice", "activities", "poster", "search"}
    | {"assets", "media", "data", "qr", "share", "book", "honorroll"}
)
"""Top-level folders the plugin writes; any other folder with a page in it comes from pages/."""

AUDITED = {"home": "home", "cover": "story with cover", "no-cover": "story without cover", "search": "search"}
"""The pages Lighthouse measures: ``--page`` names and page types."""

NOTICE_MARK = re.compile(r'class="[^"]*\bhr-notice-story\b')
WITHDRAWN_MARK = re.compile(r'class="[^"]*\bhr-gone\b')
REDIRECT_MARK = re.compile(r'<meta http-equiv="refresh"')
TRADITIONAL_LANG = re.compile(r'<html[^>]*\blang="zh-(?:Hant|TW|HK|MO)\b', re.IGNORECASE)


class Problem(Exception):
    """Something the user has to do first, in one sentence."""


# --- the site ---------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Page:
    kind: str
    path: str
    """Relative to the site's root, as linked: ``""`` for the home page, ``stories/2024/x/``, ``404.html``."""


@dataclass(slots=True)
class SitePages:
    pages: list[Page] = field(default_factory=list)
    missing: list[str] = field(default_factory=list)
    """Page types this build has none of."""

    def add(self, kind: str, path: str | None) -> None:
        if path is None:
            self.missing.append(kind)
        else:
            self.pages.append(Page(kind, path))

    def get(self, kind: str) -> Page | None:
        return next((p for p in self.pages if p.kind == kind), None)


def _html(site: Path, path: str) -> str | None:
    file = site / path / "index.html" if path == "" or path.endswith("/") else site / path
    return file.read_text(encoding="utf-8", errors="replace") if file.is_file() else None


def _first_page(site: Path, pattern: str, mark: re.Pattern[str] | None = None) -> str | None:
    """The first (in name order) ``<folder>/index.html`` matching the glob ``pattern``, as a site path."""
    for file in sorted(site.glob(f"{pattern}/index.html")):
        if mark is None or mark.search(file.read_text(encoding="utf-8", errors="replace")):
            return file.parent.relative_to(site).as_posix() + "/"
    return None


def _existing(site: Path, path: str) -> str | None:
    return path if _html(site, path) is not None else None


def _stories(site: Path) -> tuple[str, list[dict[str, Any]]]:
    """The published stories of ``data/stories.json`` and the site URL their addresses start with."""
    data = site / "data" / "stories.json"
    if not data.is_file():
        raise Problem(f"{data} is missing: this does not look like a site built by honorroll")
    document = json.loads(data.read_text(encoding="utf-8"))
    return str(document["site_url"]), list(document["stories"])


def _local(site_url: str, url: str | None) -> str | None:
    if not url or not url.startswith(site_url):
        return None
    return url[len(site_url) :]


def find_pages(site: Path) -> SitePages:
    """One page of every page type in the built site, picked by reading it."""
    site_url, stories = _stories(site)
    found = SitePages()
    found.add("home", _existing(site, ""))
    with_cover = next((s for s in stories if s.get("cover_url")), None)
    without_cover = next((s for s in stories if not s.get("cover_url")), None)
    story = with_cover or without_cover
    found.add("story with cover", _local(site_url, with_cover["url"]) if with_cover else None)
    found.add("story without cover", _local(site_url, without_cover["url"]) if without_cover else None)
    found.add("notice story (公示中)", _first_page(site, "stories/*/*", NOTICE_MARK))
    found.add("withdrawn story (已撤下)", _first_page(site, "stories/*/*", WITHDRAWN_MARK))
    found.add("short link /s/<id>/", _local(site_url, story["short_url"]) if story else None)
    if story:
        found.add("year", _existing(site, f"years/{story['year']}/") or _first_page(site, "years/*"))
        found.add("unit", _existing(site, f"units/{story['unit_id']}/") or _first_page(site, "units/*"))
        found.add("category", _existing(site, f"categories/{story['category']}/") or _first_page(site, "categories/*"))
    else:
        for kind, section in (("year", "years"), ("unit", "units"), ("category", "categories")):
            found.add(kind, _first_page(site, f"{section}/*"))
    found.add("honors", _existing(site, "honors/"))
    found.add("notice list", _existing(site, "notice/"))
    found.add("activities", _first_page(site, "activities/*"))
    found.add("poster", _local(site_url, story["poster_url"]) if story else _first_page(site, "poster/*"))
    found.add("search", _existing(site, "search/"))
    found.add("404", "404.html" if (site / "404.html").is_file() else None)
    traditional = _traditional_prefix(site)
    if traditional and story:
        found.add("Traditional (zh-hant) story", _existing(site, f"{traditional}{_local(site_url, story['url'])}"))
    else:
        found.add("Traditional (zh-hant) story", _existing(site, traditional) if traditional else None)
    found.add("page from pages/", _markdown_page(site, traditional))
    return found


def _top_folders(site: Path) -> Iterator[Path]:
    return (p for p in sorted(site.iterdir()) if p.is_dir() and (p / "index.html").is_file())


def _traditional_prefix(site: Path) -> str | None:
    for folder in _top_folders(site):
        if TRADITIONAL_LANG.search((folder / "index.html").read_text(encoding="utf-8", errors="replace")[:2000]):
            return folder.name + "/"
    return None


def _markdown_page(site: Path, traditional: str | None) -> str | None:
    """A page written in pages/ (about/ first when there is one): a top folder the plugin does not write."""
    names = [f.name for f in _top_folders(site) if f.name not in GENERATED_SECTIONS and f.name + "/" != traditional]
    if not names:
        return None
    return ("about" if "about" in names else names[0]) + "/"


# --- serving ----------------------------------------------------------------------------------------

COMPRESSED_TYPES = ("text/", "application/javascript", "application/json", "application/xml", "image/svg+xml")


class GzipHandler(preview.PreviewHandler):
    """The preview's handler, with text sent gzip-compressed when the browser asks, as static hosts do."""

    def do_GET(self) -> None:
        if "gzip" not in self.headers.get("Accept-Encoding", ""):
            super().do_GET()
            return
        real, buffer = self.wfile, io.BytesIO()
        self.wfile = buffer  # the whole response, to compress its body
        try:
            super().do_GET()
        finally:
            self.wfile = real
        real.write(_gzipped(buffer.getvalue()))


def _gzipped(response: bytes) -> bytes:
    head, sep, body = response.partition(b"\r\n\r\n")
    lines = head.split(b"\r\n")
    kind = next((line.split(b":", 1)[1].strip() for line in lines if line.lower().startswith(b"content-type:")), b"")
    if not sep or not body or not kind.decode("latin-1").startswith(COMPRESSED_TYPES):
        return response
    packed = gzip.compress(body, compresslevel=6, mtime=0)
    lines = [line for line in lines if not line.lower().startswith(b"content-length:")]
    lines += [b"Content-Encoding: gzip", b"Vary: Accept-Encoding", b"Content-Length: %d" % len(packed)]
    return b"\r\n".join(lines) + sep + packed


@contextmanager
def served(site: Path, compress: bool) -> Iterator[str]:
    """The site on 127.0.0.1 (a free port) at its real prefix; yields its address, ending in ``/``."""
    prefix = preview.site_prefix(site, None)
    server = preview.make_server(site, prefix, 0)
    if compress:
        server.RequestHandlerClass = partial(GzipHandler, directory=str(site), prefix=prefix)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield preview.address(server, prefix)
    finally:
        server.shutdown()
        server.server_close()


def page_url(base: str, page: Page) -> str:
    return base + quote(page.path)


# --- tools ------------------------------------------------------------------------------------------


def _installed_version(package: str) -> str | None:
    manifest = TOOLS_DIR / "node_modules" / package / "package.json"
    if not manifest.is_file():
        return None
    return str(json.loads(manifest.read_text(encoding="utf-8")).get("version"))


def npm_tool(package: str, version: str, entry: str) -> Path:
    """``entry`` inside the npm package, installed (exactly that version) into TOOLS_DIR when missing."""
    path = TOOLS_DIR / "node_modules" / package / entry
    if _installed_version(package) == version and path.is_file():
        return path
    npm = shutil.which("npm")
    if npm is None:
        raise Problem("npm is missing: install Node.js (Debian: apt-get install nodejs npm)")
    TOOLS_DIR.mkdir(parents=True, exist_ok=True)
    print(f"Installing {package}@{version} into {TOOLS_DIR} …", file=sys.stderr, flush=True)
    command = [npm, "i", "-E", f"{package}@{version}", "--prefix", str(TOOLS_DIR), "--ignore-scripts"]
    done = subprocess.run([*command, "--no-audit", "--no-fund"], stdout=subprocess.DEVNULL, check=False)
    if done.returncode or not path.is_file():
        raise Problem(f"could not install {package}@{version} with npm (exit {done.returncode})")
    return path


def _chrome() -> str:
    chrome = os.environ.get("CHROME_PATH") or "/usr/bin/chromium"
    if not Path(chrome).is_file():
        raise Problem(f"{chrome} is missing: apt-get install chromium, or set CHROME_PATH")
    return chrome


def _node() -> str:
    node = shutil.which("node")
    if node is None:
        raise Problem("Node.js is missing: apt-get install nodejs")
    version = subprocess.run([node, "--version"], capture_output=True, text=True, check=False).stdout.strip()
    if int(version.lstrip("v").split(".")[0] or 0) < 18:
        raise Problem(f"Lighthouse {LIGHTHOUSE[1]} needs Node.js 18 or later, this is {version}")
    return node


def _java() -> str:
    java = shutil.which("java")
    if java is None:
        raise Problem("java is missing: apt-get install openjdk-17-jre-headless")
    return java


# --- Lighthouse -------------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Lost:
    """An audit that cost points: which category, its title and what Lighthouse shows for it."""

    category: str
    audit: str
    title: str
    value: str


@dataclass(frozen=True, slots=True)
class Scores:
    page: Page
    scores: dict[str, int | None]
    lcp_ms: float | None
    lost: tuple[Lost, ...]
    warnings: tuple[str, ...]


def lighthouse(node: str, cli: Path, url: str, page: Page, out: Path) -> Scores:
    env = dict(os.environ, CHROME_PATH=_chrome())
    command = [node, str(cli), url, "--form-factor=mobile", f"--chrome-flags={CHROME_FLAGS}"]
    command += ["--output=json", f"--output-path={out}", "--quiet", "--max-wait-for-load=60000"]
    done = subprocess.run(command, env=env, capture_output=True, text=True, timeout=300, check=False)
    if done.returncode or not out.is_file():
        raise Problem(f"Lighthouse failed on {url} (exit {done.returncode}): {done.stderr.strip()[-800:]}")
    report = json.loads(out.read_text(encoding="utf-8"))
    if report.get("runtimeError"):
        raise Problem(f"Lighthouse could not load {url}: {report['runtimeError'].get('message')}")
    audits: dict[str, Any] = report["audits"]
    scores: dict[str, int | None] = {}
    lost: list[Lost] = []
    for key, _, target in CATEGORIES:
        category = report["categories"][key]
        value = None if category.get("score") is None else round(category["score"] * 100)
        scores[key] = value
        if value is not None and value >= (100 if key != "performance" else target):
            continue  # on target: what is left is noise, not work
        for ref in category["auditRefs"]:
            audit = audits[ref["id"]]
            counts = ref.get("weight", 0) > 0 or audit.get("scoreDisplayMode") == "metricSavings"
            if counts and audit.get("score") is not None and audit["score"] < 1:
                lost.append(Lost(key, ref["id"], audit["title"], str(audit.get("displayValue") or audit["score"])))
    lcp = audits.get("largest-contentful-paint", {}).get("numericValue")
    return Scores(page, scores, lcp, tuple(lost), tuple(report.get("runWarnings", ())))


def median_run(runs: Sequence[Scores]) -> Scores:
    """The run with the median Performance score (Lighthouse's own advice for several runs)."""
    ordered = sorted(runs, key=lambda r: (r.scores["performance"] or 0, r.lcp_ms or 0))
    return ordered[(len(ordered) - 1) // 2]


def lighthouse_table(results: Sequence[Scores], all_runs: dict[str, list[Scores]]) -> str:
    head = "| Page | " + " | ".join(label for _, label, _ in CATEGORIES) + " | LCP |"
    rows = [head, "|" + " --- |" * (len(CATEGORIES) + 2)]
    for result in results:
        cells = [f"{result.page.kind} (`/{result.page.path}`)"]
        for key, _, target in CATEGORIES:
            value = result.scores[key]
            cells.append("–" if value is None else f"{value}" + ("" if value >= target else " ✗"))
        lcp = f"{result.lcp_ms / 1000:.1f} s" if result.lcp_ms is not None else "–"
        runs = all_runs[result.page.kind]
        if len(runs) > 1:
            spread = [r.scores["performance"] or 0 for r in runs]
            cells[1] += f" ({min(spread)}–{max(spread)})"
        rows.append("| " + " | ".join([*cells, lcp]) + " |")
    return "\n".join(rows)


# --- the Nu HTML checker ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class Message:
    page: Page
    kind: str
    """``error``, ``warning`` or ``info``."""
    line: int | None
    column: int | None
    text: str
    markup: str
    """The offending markup (vnu's highlighted extract)."""
    origin: str = "ours"
    """``ours``, or the Material template it comes from verbatim."""


class MaterialMarkup:
    """Markup that Material's own templates write and ours do not replace (whole tags, verbatim)."""

    def __init__(self) -> None:
        self.templates: dict[str, str] = {}
        ours = {p.relative_to(THEME).as_posix() for p in THEME.rglob("*.html")}
        try:
            import material

            templates = Path(material.__file__).parent / "templates"
        except ImportError:  # no Material here: every error counts as ours
            return
        for file in sorted(templates.rglob("*.html")):
            name = file.relative_to(templates).as_posix()
            if name not in ours:
                self.templates[name] = file.read_text(encoding="utf-8", errors="replace")
        self.ours = [p.read_text(encoding="utf-8", errors="replace") for p in THEME.rglob("*.html")]

    def origin(self, markup: str) -> str:
        tag = markup.strip()
        if len(tag) < 30 or not (tag.startswith("<") and tag.endswith(">")) or "\n" in tag:
            return "ours"  # too short or not a whole tag to tell where it comes from
        if any(tag in text for text in self.ours):
            return "ours"
        for name, text in self.templates.items():
            if tag in text:
                return f"Material (templates/{name})"
        return "ours"


def vnu(java: str, jar: Path, urls: dict[str, Page]) -> list[Message]:
    # vnu refuses loopback addresses unless told: the site is served on 127.0.0.1 only.
    command = [java, "-Dnu.validator.servlet.allow-forbidden-hosts=true", "-jar", str(jar)]
    command += ["--format", "json", "--stdout", "--exit-zero-always", "--also-check-svg", *urls]
    done = subprocess.run(command, capture_output=True, text=True, timeout=600, check=False)
    try:
        report = json.loads(done.stdout)
    except json.JSONDecodeError as exc:
        raise Problem(f"vnu gave no report (exit {done.returncode}): {done.stderr.strip()[-800:]}") from exc
    material = MaterialMarkup()
    messages: list[Message] = []
    for m in report.get("messages", []):
        page = urls.get(m.get("url", ""), Page("?", m.get("url", "")))
        if m.get("type") == "non-document-error":
            raise Problem(f"vnu could not check {m.get('url')}: {m.get('message')}")
        extract = m.get("extract", "")
        start, length = m.get("hiliteStart"), m.get("hiliteLength")
        markup = extract[start : start + length] if isinstance(start, int) and isinstance(length, int) else extract
        kind = "error" if m.get("type") == "error" else "warning" if m.get("subType") == "warning" else "info"
        line, column, text = m.get("lastLine"), m.get("firstColumn"), m.get("message", "")
        messages.append(Message(page, kind, line, column, text, markup, material.origin(markup)))
    return messages


def print_vnu(pages: SitePages, messages: Sequence[Message]) -> int:
    """Prints the findings; returns how many errors are ours."""
    errors = [m for m in messages if m.kind == "error"]
    ours = [m for m in errors if m.origin == "ours"]
    print(f"\n## Nu HTML checker: {len(pages.pages)} pages, {len(errors)} errors ({len(ours)} ours)\n")
    for page in pages.pages:
        print(f"- {page.kind}: /{page.path}")
    for kind in pages.missing:
        print(f"- {kind}: none in this build")
    if errors:
        print("\n### Errors (each with every page and line.column it is on)\n")
        same: dict[tuple[str, str, str], list[Message]] = defaultdict(list)
        for m in errors:
            same[(m.origin, m.text, _short(m.markup))].append(m)
        for (origin, text, markup), group in same.items():
            where = ", ".join(f"{m.page.kind} /{m.page.path}:{m.line}.{m.column}" for m in group)
            print(f"- [{origin}] {text}\n  `{markup}`\n  {len(group)} × on: {where}")
    for kind in ("warning", "info"):
        found = [m for m in messages if m.kind == kind]
        if not found:
            continue
        print(f"\n### {kind.capitalize()}s: {len(found)}\n")
        grouped: dict[tuple[str, str], list[Message]] = defaultdict(list)
        for m in found:
            grouped[(m.origin, m.text)].append(m)
        for (origin, text), group in sorted(grouped.items(), key=lambda item: -len(item[1])):
            kinds = sorted({m.page.kind for m in group})
            print(f"- [{origin}] {len(group)} × {text}\n  on: {', '.join(kinds)}; e.g. `{_short(group[0].markup)}`")
    return len(ours)


def _short(markup: str, limit: int = 160) -> str:
    flat = " ".join(markup.split())
    return flat if len(flat) <= limit else flat[: limit - 1] + "…"


# --- main -------------------------------------------------------------------------------------------


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("site", nargs="?", type=Path, help="a built site folder or artifact .zip (default: build/)")
    parser.add_argument("--runs", type=int, default=3, help="Lighthouse runs per page; the median is shown (3)")
    parser.add_argument("--page", choices=AUDITED, action="append", help="Lighthouse on this page only (repeatable)")
    parser.add_argument("--skip-lighthouse", action="store_true", help="only the HTML check")
    parser.add_argument("--skip-vnu", action="store_true", help="only Lighthouse")
    parser.add_argument("--no-gzip", action="store_true", help="serve text uncompressed (static hosts compress)")
    parser.add_argument("--reports", type=Path, help="keep Lighthouse's JSON reports in this folder")
    args = parser.parse_args(argv)
    folder: Path = args.site or ROOT / "build"
    if args.site is None and not (folder / "index.html").is_file():
        print(f"{folder} has no built site: run scripts/build-sample first", file=sys.stderr)
        return 2
    try:
        with preview.opened_site(folder) as site:
            return _check(site, args)
    except (Problem, preview.PreviewError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


def _check(site: Path, args: argparse.Namespace) -> int:
    pages = find_pages(site)
    node = cli = java = jar = None
    if not args.skip_lighthouse:
        node, cli = _node(), npm_tool(*LIGHTHOUSE, "cli/index.js")
        _chrome()
    if not args.skip_vnu:
        java, jar = _java(), npm_tool(*VNU, "build/dist/vnu.jar")
    status = 0
    with served(site, compress=not args.no_gzip) as base, tempfile.TemporaryDirectory() as temp:
        print(f"Serving {site} at {base}{'' if not args.no_gzip else ' (no gzip)'}\n", flush=True)
        if node and cli:
            status |= _run_lighthouse(node, cli, base, pages, args, Path(temp))
        if java and jar:
            urls = {page_url(base, page): page for page in pages.pages}
            if print_vnu(pages, vnu(java, jar, urls)):
                status |= 1
    return status


def _run_lighthouse(node: str, cli: Path, base: str, pages: SitePages, args: argparse.Namespace, temp: Path) -> int:
    chosen = [AUDITED[name] for name in args.page] if args.page else AUDITED.values()
    audited = [p for kind in chosen if (p := pages.get(kind))]
    all_runs: dict[str, list[Scores]] = {}
    for page in audited:
        runs = []
        for run in range(max(1, args.runs)):
            out = (args.reports or temp) / f"{re.sub(r'[^a-z]+', '-', page.kind)}-{run + 1}.json"
            out.parent.mkdir(parents=True, exist_ok=True)
            print(f"Lighthouse {page.kind}, run {run + 1} …", file=sys.stderr, flush=True)
            runs.append(lighthouse(node, cli, page_url(base, page), page, out))
        all_runs[page.kind] = runs
    results = [median_run(all_runs[p.kind]) for p in audited]
    print(f"## Lighthouse {LIGHTHOUSE[1]}, mobile, median of {max(1, args.runs)} run(s)\n")
    print(lighthouse_table(results, all_runs))
    below = False
    for result in results:
        for key, _, target in CATEGORIES:
            value = result.scores[key]
            below |= value is not None and value < target
        for lost in result.lost:
            print(f"- {result.page.kind}, {lost.category}: {lost.title} ({lost.audit}): {lost.value}")
        for warning in result.warnings:
            print(f"- {result.page.kind}, Lighthouse warning: {' '.join(warning.split())}")
    if len(all_runs) and max(1, args.runs) > 1:
        lcps = [r.lcp_ms or 0 for runs in all_runs.values() for r in runs]
        print(f"\nLCP over all runs: median {statistics.median(lcps) / 1000:.1f} s, max {max(lcps) / 1000:.1f} s")
    if below:
        print("\n✗: under the target (Performance ≥ 95, the others 100)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
