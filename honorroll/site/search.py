"""Site search for Chinese text: a static, sharded bigram index that a phone reads a few files of.

Layout under ``search/`` in the built site (all paths relative to the site root)::

    search/manifest.json          {"format", "version", "shards", "chunk", "docs"}  (tiny; revalidated)
    search/<version>/s<i>.json    {token: postings}  for tokens whose crc32(utf-8) % shards == i
    search/<version>/d<k>.json    [[url, title, name, unit, year, snippet], ...]  stories k*chunk …

Tokens: NFKC-normalised, lower-cased text split into runs of CJK ideographs and of ASCII
letters/digits. A CJK run gives its character bigrams (every field), and its single characters
(title, name and unit only, for one-character queries); an ASCII run is one token.

Postings of a token: up to three comma-separated lists of story numbers — every story with the
token, those with it in a strong field (title, subject name, unit), those with it in a middle field
(category, tags, year, summary) — each delta-encoded (gap - 1) as base64url VLQ (5 bits a character,
32 = more follows). Story numbers follow the site's order, newest first, so ties rank newest first
and the results of a common word sit in the first few metadata chunks.

A query is tokenised the same way, except that a CJK run of two or more characters uses a
non-overlapping cover of its bigrams (fewer shards to fetch). A story must contain every query
token (AND); it scores, per token, 16 in a strong field, 4 in a middle one, 1 in the body only.

The version in the directory name is a hash of the whole index, so a cached shard can never be
mixed with a newer manifest. :func:`search` is the reference implementation of what
``honorroll-search.js`` does in the browser; tests use it to prove what the index finds.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import math
import multiprocessing as mp
import os
import re
import shutil
import zlib
from collections import defaultdict, deque
from collections.abc import Callable, Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from itertools import chain, repeat
from operator import add, sub
from pathlib import Path
from typing import Any

from honorroll.check.run import CheckResult
from honorroll.content.model import Story

FORMAT = 1
INDEX_DIR = "search"
MANIFEST = f"{INDEX_DIR}/manifest.json"
SCRIPT = "assets/javascripts/honorroll-search.js"
SHARD_TARGET_BYTES = 24_000
"""Average uncompressed shard size to aim for."""
BIG_TOKEN_BYTES = 4_000
"""Postings longer than this get a file of their own (see :func:`build_index`)."""
CHUNK_SIZE = 16
"""Stories per metadata chunk: a results page of ten needs a handful of ~6 KB chunks."""
PAGE_SIZE = 10
"""Results shown at first; the browser fetches only the chunks these need."""
SNIPPET_CHARS = 80
MAX_QUERY_TOKENS = 6
"""A longer query uses its first six tokens: the same or more results, never fewer."""
STRONG, MIDDLE, BODY = 16, 4, 1

_CJK = "\u3400-\u4dbf\u4e00-\u9fff"
RUNS = re.compile(f"[{_CJK}]+|[a-z0-9]+")
_MD_IMAGE_OR_LINK = re.compile(r"!?\[([^\]]*)\]\([^)]*\)")
_MD_NOISE = re.compile(r"<[^>]*>|https?://\S+|\{[:.#][^}]*\}")
_B64 = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_"
_B64_INDEX = {c: i for i, c in enumerate(_B64)}


# ---------------------------------------------------------------- documents


@dataclass(frozen=True)
class SearchDocument:
    url: str
    """Site-relative page path, e.g. ``stories/2024/2024-x/``."""
    title: str
    name: str
    unit: str
    """Unit name as shown (short name when there is one)."""
    year: int
    summary: str = ""
    body: str = ""
    category: str = ""
    tags: tuple[str, ...] = ()
    unit_names: tuple[str, ...] = ()
    """Every name of the unit to index (full name, short name, its system's name)."""
    story: Story | None = None
    """When set, the body is read from the story file by whoever tokenizes it (in the
    forked workers), instead of 20,000 files being read one by one before indexing."""

    def body_text(self) -> str:
        return markdown_text(self.story.body) if self.story is not None and not self.body else self.body


def markdown_text(markdown: str) -> str:
    """Readable words of a Markdown body: link and image text kept, addresses and tags dropped."""
    return _MD_NOISE.sub(" ", _MD_IMAGE_OR_LINK.sub(r"\1", markdown))


def documents_from_archive(result: CheckResult, url_for: Callable[[Story], str]) -> list[SearchDocument]:
    """Published stories only — never withdrawn or under notice — newest first, as the site lists them."""
    units = result.archive.units
    stories = sorted(
        result.archive.published(),
        key=lambda s: (-s.year, -(s.published_on.toordinal() if s.published_on else 0), s.id),
    )
    docs = []
    for story in stories:
        unit = units.get(story.unit or "")
        names: list[str] = []
        if unit is not None:
            names += [unit.name, unit.short_name or ""]
            parent = units.get(unit.parent or "")
            if parent is not None:
                names += [parent.display_name]
        docs.append(
            SearchDocument(
                url=url_for(story),
                title=story.title or "",
                name=story.subject.name if story.subject else "",
                unit=unit.display_name if unit else "",
                year=story.year,
                summary=story.summary or "",
                story=story,
                category=story.category or "",
                tags=tuple(story.tags),
                unit_names=tuple(dict.fromkeys(n for n in names if n)),
            )
        )
    return docs


# ---------------------------------------------------------------- tokens


_FULL_WIDTH = re.compile("[\uff10-\uff19\uff21-\uff3a\uff41-\uff5a]")
_FOLD = str.maketrans({chr(c): chr(c - 0xFEE0) for c in range(0xFF10, 0xFF5B)})


def normalise(text: str) -> str:
    """Full-width letters and digits to ASCII, lower case: the part of NFKC that matters here, much faster."""
    if _FULL_WIDTH.search(text):
        text = text.translate(_FOLD)
    return text.lower()


def runs(text: str) -> list[str]:
    """Runs of CJK ideographs and of ASCII letters/digits, normalised; everything else separates."""
    return RUNS.findall(normalise(text))


def is_cjk(run: str) -> bool:
    return run[0] > "\u007f"


def _add_tokens(out: set[str], text: str, *, singles: bool) -> None:
    for run in RUNS.findall(normalise(text)):
        if run[0] > "\u007f":  # CJK
            out.update(map(add, run, run[1:]))
            if singles:
                out.update(run)
        else:
            out.add(run)


def tokenize(text: str, *, singles: bool = False) -> set[str]:
    """Index tokens of a text: CJK bigrams (and single characters if ``singles``), ASCII words."""
    out: set[str] = set()
    _add_tokens(out, text, singles=singles)
    return out


def query_tokens(query: str) -> list[str]:
    """Tokens a query must all match, in order: a non-overlapping bigram cover of each CJK run."""
    tokens: list[str] = []
    for run in runs(query):
        if not is_cjk(run) or len(run) == 1:
            tokens.append(run)
            continue
        starts = list(range(0, len(run) - 1, 2))
        if starts[-1] != len(run) - 2:
            starts.append(len(run) - 2)
        tokens += [run[i : i + 2] for i in starts]
    return list(dict.fromkeys(tokens))[:MAX_QUERY_TOKENS]


def shard_of(token: str, shards: int) -> int:
    return zlib.crc32(token.encode("utf-8")) % shards


def _field_tokens(doc: SearchDocument) -> tuple[set[str], set[str], set[str]]:
    strong: set[str] = set()
    _add_tokens(strong, "\n".join((doc.title, doc.name, doc.unit, *doc.unit_names)), singles=True)
    middle: set[str] = set()
    _add_tokens(middle, "\n".join((doc.category, str(doc.year), doc.summary, *doc.tags)), singles=False)
    body: set[str] = set()
    _add_tokens(body, doc.body_text(), singles=False)
    return strong, middle, body


# ---------------------------------------------------------------- postings encoding


class _VlqTable(dict[int, str]):
    """gap → VLQ of ``gap - 1``; filled lazily, looked up at C speed."""

    def __missing__(self, gap: int) -> str:
        value = gap - 1
        out = []
        while True:
            digit = value & 31
            value >>= 5
            out.append(_B64[digit | (32 if value else 0)])
            if not value:
                break
        code = self[gap] = "".join(out)
        return code


_VLQ = _VlqTable()
for _gap in range(1, 1 << 10):
    _VLQ[_gap]


def encode_numbers(numbers: Sequence[int], previous: int = -1) -> str:
    """Ascending story numbers as VLQ gaps, continuing after ``previous``."""
    return "".join(map(_VLQ.__getitem__, map(sub, numbers, chain((previous,), numbers))))


def decode_numbers(code: str) -> list[int]:
    numbers: list[int] = []
    current, value, shift = -1, 0, 0
    for char in code:
        digit = _B64_INDEX[char]
        value |= (digit & 31) << shift
        if digit & 32:
            shift += 5
            continue
        current += value + 1
        numbers.append(current)
        value = shift = 0
    return numbers


# ---------------------------------------------------------------- building


def _json(data: Any) -> bytes:
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


_exhaust = deque[Any](maxlen=0).extend
PARALLEL_THRESHOLD = 4000
"""Below this many stories, forking workers costs more than it saves."""
_BATCH = 2000
_forked_documents: Sequence[SearchDocument] = ()

Part = tuple[dict[str, str], dict[str, int], dict[str, list[int]], dict[str, list[int]]]


def _part(documents: Sequence[SearchDocument], start: int) -> Part:
    """Postings of stories ``start…``: token → VLQ numbers (the first absolute), last number, strong, middle."""
    every: dict[str, list[str]] = defaultdict(list)
    last: dict[str, int] = {}
    strong_of: dict[str, list[int]] = defaultdict(list)
    middle_of: dict[str, list[int]] = defaultdict(list)
    for offset in range(0, len(documents), _BATCH):
        lists: dict[str, list[int]] = defaultdict(list)
        for number, doc in enumerate(documents[offset : offset + _BATCH], start + offset):
            strong, middle, body = _field_tokens(doc)
            body |= strong
            body |= middle
            # list.append over every token at C speed: this is most of the cost of indexing
            _exhaust(map(list.append, map(lists.__getitem__, body), repeat(number)))
            _exhaust(map(list.append, map(strong_of.__getitem__, strong), repeat(number)))
            _exhaust(map(list.append, map(middle_of.__getitem__, middle), repeat(number)))
        for token, numbers in lists.items():
            every[token].append(encode_numbers(numbers, last.get(token, -1)))
            last[token] = numbers[-1]
        del lists
    return {t: "".join(parts) for t, parts in every.items()}, last, strong_of, middle_of


def _forked_part(start: int, stop: int) -> Part:
    return _part(_forked_documents[start:stop], start)


def _parts(documents: Sequence[SearchDocument], workers: int) -> list[Part]:
    if workers <= 1 or len(documents) < PARALLEL_THRESHOLD or "fork" not in mp.get_all_start_methods():
        return [_part(documents, 0)]
    global _forked_documents
    size = -(-len(documents) // workers)
    _forked_documents = documents  # inherited by the forked workers: nothing to pickle
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=mp.get_context("fork")) as pool:
            futures = [pool.submit(_forked_part, i, i + size) for i in range(0, len(documents), size)]
            return [future.result() for future in futures]
    finally:
        _forked_documents = ()


def _first_vlq(code: str) -> tuple[int, int]:
    """The first number of a VLQ string started from -1, and how many characters it takes."""
    value = shift = 0
    for length, char in enumerate(code, 1):
        digit = _B64_INDEX[char]
        value |= (digit & 31) << shift
        if not digit & 32:
            return value, length
        shift += 5
    raise ValueError("truncated postings")


def _postings(documents: Sequence[SearchDocument], workers: int | None = None) -> dict[str, str]:
    """Token → postings string: every story, then the strong and middle ones if any."""
    parts = _parts(documents, workers if workers is not None else min(os.cpu_count() or 1, 8))
    every, last, strong_of, middle_of = parts[0]
    for more, more_last, more_strong, more_middle in parts[1:]:
        for token, code in more.items():
            previous = last.get(token)
            if previous is None:
                every[token] = code
            else:
                first, length = _first_vlq(code)
                every[token] += _VLQ[first - previous] + code[length:]
        last.update(more_last)
        for target, extra in ((strong_of, more_strong), (middle_of, more_middle)):
            for token, numbers in extra.items():
                target.setdefault(token, []).extend(numbers)
    out: dict[str, str] = {}
    for token, code in every.items():
        s, m = strong_of.get(token), middle_of.get(token)
        if s or m:
            strong = encode_numbers(s) if s else ""
            code += "," + ("=" if strong == code else strong) + ("," + encode_numbers(m) if m else "")
        out[token] = code
    return out


def shard_count(postings: Mapping[str, str]) -> int:
    total = sum(len(t.encode("utf-8")) + len(code) + 6 for t, code in postings.items())
    return max(1, math.ceil(total / SHARD_TARGET_BYTES))


def _meta(doc: SearchDocument) -> list[Any]:
    snippet = doc.summary if len(doc.summary) <= SNIPPET_CHARS else doc.summary[: SNIPPET_CHARS - 1] + "…"
    return [doc.url, doc.title, doc.name, doc.unit, doc.year, snippet]


def build_index(
    documents: Sequence[SearchDocument], *, shards: int | None = None, workers: int | None = None
) -> dict[str, bytes]:
    """Every file of the index, by path relative to the site root.

    A token whose postings exceed :data:`BIG_TOKEN_BYTES` (a common word) gets a file of its own,
    ``t<k>.json``, and its shard holds ``"@<k>"``: shards stay even, and a query for a common word
    fetches that word's list, not a shard full of other common words.
    """
    postings = _postings(documents, workers)
    big = sorted(t for t, code in postings.items() if len(code) > BIG_TOKEN_BYTES)
    own = {token: _json(postings[token]) for token in big}
    for k, token in enumerate(big):
        postings[token] = f"@{k}"
    count = shards or shard_count(postings)
    buckets: list[dict[str, str]] = [{} for _ in range(count)]
    for token in sorted(postings):
        buckets[shard_of(token, count)][token] = postings[token]
    bodies = [_json(bucket) for bucket in buckets]
    chunks = [_json([_meta(d) for d in documents[i : i + CHUNK_SIZE]]) for i in range(0, len(documents), CHUNK_SIZE)]
    digest = hashlib.sha256()
    for body in chain(bodies, own.values(), chunks):
        digest.update(hashlib.sha256(body).digest())
    version = digest.hexdigest()[:12]
    files = {f"{INDEX_DIR}/{version}/s{i}.json": body for i, body in enumerate(bodies)}
    files |= {f"{INDEX_DIR}/{version}/t{k}.json": own[token] for k, token in enumerate(big)}
    files |= {f"{INDEX_DIR}/{version}/d{k}.json": body for k, body in enumerate(chunks)}
    manifest = {"format": FORMAT, "version": version, "shards": count, "chunk": CHUNK_SIZE, "docs": len(documents)}
    files[MANIFEST] = _json(manifest)
    return files


def write_index(site_dir: Path, files: Mapping[str, bytes]) -> None:
    """Write the index, dropping the folders of older versions."""
    keep = {path.split("/")[1] for path in files if path.count("/") == 2}
    root = site_dir / INDEX_DIR
    if root.is_dir():
        for old in root.iterdir():
            if old.is_dir() and old.name not in keep and re.fullmatch(r"[0-9a-f]{12}", old.name):
                shutil.rmtree(old)
    for path, body in files.items():
        target = site_dir / path
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(body)


def write_site_index(
    site_dir: Path, result: CheckResult, url_for: Callable[[Story], str], workers: int | None = None
) -> dict[str, bytes]:
    files = build_index(documents_from_archive(result, url_for), workers=workers)
    write_index(site_dir, files)
    return files


# ---------------------------------------------------------------- querying (reference for the JS)


@dataclass(frozen=True)
class Hit:
    number: int
    score: int
    url: str
    title: str
    name: str
    unit: str
    year: int
    snippet: str


FileReader = Callable[[str], bytes]


def _reader(files: Mapping[str, bytes] | Path) -> FileReader:
    if isinstance(files, Path):
        root = files
        return lambda path: (root / path).read_bytes()
    return files.__getitem__


def _token_scores(code: str) -> dict[int, int]:
    every, strong, middle = ([*code.split(","), "", ""])[:3]
    if strong == "=":
        strong = every
    scores = dict.fromkeys(decode_numbers(every), BODY)
    for number in decode_numbers(middle):
        scores[number] = MIDDLE
    for number in decode_numbers(strong):
        scores[number] = STRONG
    return scores


def ranked(files: Mapping[str, bytes] | Path, query: str, *, fetched: set[str] | None = None) -> list[tuple[int, int]]:
    """(story number, score) of every story with all the query's tokens, best first, then newest."""
    read = _reader(files)
    manifest = json.loads(read(MANIFEST))
    tokens = query_tokens(query)
    if not tokens:
        return []
    shard_cache: dict[str, dict[str, str]] = {}
    total: dict[int, int] | None = None
    for token in tokens:
        path = f"{INDEX_DIR}/{manifest['version']}/s{shard_of(token, manifest['shards'])}.json"
        if path not in shard_cache:
            shard_cache[path] = json.loads(read(path))
            if fetched is not None:
                fetched.add(path)
        code = shard_cache[path].get(token, "")
        if code.startswith("@"):
            own = f"{INDEX_DIR}/{manifest['version']}/t{code[1:]}.json"
            code = json.loads(read(own))
            if fetched is not None:
                fetched.add(own)
        scores = _token_scores(code)
        total = scores if total is None else {n: s + scores[n] for n, s in total.items() if n in scores}
        if not total:
            return []
    assert total is not None
    return sorted(total.items(), key=lambda item: (-item[1], item[0]))


def search(
    files: Mapping[str, bytes] | Path, query: str, *, limit: int | None = None, fetched: set[str] | None = None
) -> list[Hit]:
    """What the browser shows for ``query``: ``files`` is :func:`build_index`'s output or a built site."""
    read = _reader(files)
    manifest = json.loads(read(MANIFEST))
    hits = ranked(files, query, fetched=fetched)
    if limit is not None:
        hits = hits[:limit]
    chunks: dict[int, list[list[Any]]] = {}
    out = []
    for number, score in hits:
        k = number // manifest["chunk"]
        if k not in chunks:
            path = f"{INDEX_DIR}/{manifest['version']}/d{k}.json"
            chunks[k] = json.loads(read(path))
            if fetched is not None:
                fetched.add(path)
        url, title, name, unit, year, snippet = chunks[k][number % manifest["chunk"]]
        out.append(Hit(number, score, url, title, name, unit, year, snippet))
    return out


def first_query_bytes(build_dir: Path, query: str, *, compressed: bool = False) -> int:
    """Bytes a browser downloads for its first search on the built site at ``build_dir``.

    The manifest, the shards holding the query's tokens, the metadata chunks of the first page
    of results (at least one) and the script; the page itself is not counted. ``compressed``
    counts gzip sizes, as a server that compresses JSON and JavaScript would send them.
    """
    build_dir = Path(build_dir)
    fetched = {MANIFEST}
    hits = search(build_dir, query, limit=PAGE_SIZE, fetched=fetched)
    if not hits:  # a first search with results fetches at least one chunk; count one anyway
        manifest = json.loads((build_dir / MANIFEST).read_bytes())
        if manifest["docs"]:
            fetched.add(f"{INDEX_DIR}/{manifest['version']}/d0.json")
    paths: Iterable[Path] = chain((build_dir / p for p in fetched), [build_dir / SCRIPT])
    return sum(_size(p, compressed) for p in paths if p.is_file())


def _size(path: Path, compressed: bool) -> int:
    data = path.read_bytes()
    return len(gzip.compress(data, 6)) if compressed else len(data)


def index_stats(files: Mapping[str, bytes]) -> dict[str, int]:
    """File count and sizes; the largest shard or own-token file is what one token can cost."""
    shards = [v for k, v in files.items() if re.search(r"/[st]\d+\.json$", k)]
    chunks = [v for k, v in files.items() if re.search(r"/d\d+\.json$", k)]
    return {
        "files": len(files),
        "bytes": sum(map(len, files.values())),
        "shards": sum(1 for k in files if re.search(r"/s\d+\.json$", k)),
        "own_token_files": sum(1 for k in files if re.search(r"/t\d+\.json$", k)),
        "largest_shard": max(map(len, shards), default=0),
        "largest_shard_gzip": max((len(gzip.compress(s, 6)) for s in shards), default=0),
        "largest_chunk": max(map(len, chunks), default=0),
    }


# ---------------------------------------------------------------- the page


PAGE_URI = f"{INDEX_DIR}/index.md"


def search_page() -> str:
    """Source of the search page; the form and results are in the ``honorroll/search.html`` template."""
    meta = {
        "title": "搜索",
        "description": "按姓名、单位或故事里的词语查找光荣榜故事",
        "template": "honorroll/search.html",
        "hide": ["navigation", "toc"],
    }
    return "---\n" + json.dumps(meta, ensure_ascii=False) + "\n---\n"
