"""Site search: tokens, the sharded index, what it finds, and what a first query costs at 20,000 stories."""

from __future__ import annotations

import importlib.util
import json
import random
import shutil
import subprocess
import time
from pathlib import Path
from types import ModuleType

import pytest

from honorroll.site import search, urls
from honorroll.site.search import SearchDocument
from tests.conftest import requires

from .conftest import ContentRepo

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "honorroll" / "theme" / search.SCRIPT


def doc(number: int, **fields: object) -> SearchDocument:
    base: dict[str, object] = {
        "url": f"stories/2024/s{number}/",
        "title": f"故事{number}",
        "name": "某人",
        "unit": "某单位",
        "year": 2024,
        "summary": "",
        "body": "",
    }
    base.update(fields)
    return SearchDocument(**base)  # type: ignore[arg-type]


# ---------------------------------------------------------------- tokens


def test_tokenize_chinese_gives_bigrams_and_ascii_words() -> None:
    assert search.tokenize("林某某，ABC公司") == {"林某", "某某", "abc", "公司"}
    assert search.tokenize("林某某", singles=True) == {"林某", "某某", "林", "某"}


def test_tokenize_folds_full_width_and_case() -> None:
    assert search.tokenize("ＡＢＣ　２０２４年") == {"abc", "2024"}  # a lone character is no bigram
    assert search.runs("Ｗi-Fi５Ｇ基站") == ["wi", "fi5g", "基站"]


def test_query_tokens_cover_each_run_without_overlap() -> None:
    assert search.query_tokens("南台教育系统") == ["南台", "教育", "系统"]
    assert search.query_tokens("林某某") == ["林某", "某某"]
    assert search.query_tokens("林") == ["林"]
    assert search.query_tokens("林 2024 志愿") == ["林", "2024", "志愿"]
    assert search.query_tokens("，。！ ") == []
    assert len(search.query_tokens("一二三四五六七八九十甲乙丙丁戊己")) == search.MAX_QUERY_TOKENS


@pytest.mark.parametrize("numbers", [[0], [0, 1, 2, 3], [5, 37, 1000, 1001, 70_000, 2_000_000]])
def test_postings_round_trip(numbers: list[int]) -> None:
    code = search.encode_numbers(numbers)
    assert search.decode_numbers(code) == numbers
    assert set(code) <= set(search._B64)


# ---------------------------------------------------------------- what the index finds


def small_index() -> dict[str, bytes]:
    docs = [
        doc(
            0,
            title="深山邮路上的“不老松”",
            name="林某某",
            unit="市邮政管理局",
            summary="三十年如一日跋涉在深山邮路上。",
            body="他一个人一条路，一走就是三十年。",
        ),
        doc(1, title="社区里的热心人", name="王芳", unit="市交通运输系统", body="她组织志愿服务队，为独居老人送餐。"),
        doc(
            2,
            title="夜班公交上的守护",
            name="陈志远",
            unit="市公交集团",
            body="车厢里，他用手语和乘客交流。",
            tags=("交通",),
        ),
        doc(3, title="志愿者之家", name="李志愿", unit="市邮政管理局", body="平凡岗位。"),
    ]
    return search.build_index(docs)


def names(files: dict[str, bytes], query: str) -> list[str]:
    return [hit.name for hit in search.search(files, query)]


def test_finds_by_name_unit_and_body_word() -> None:
    files = small_index()
    assert names(files, "林某某") == ["林某某"]
    assert names(files, "陈志远") == ["陈志远"]
    assert names(files, "市公交集团") == ["陈志远"]
    assert set(names(files, "邮政管理局")) == {"林某某", "李志愿"}
    assert names(files, "手语") == ["陈志远"]
    assert names(files, "送餐") == ["王芳"]
    assert names(files, "林") == ["林某某"]
    assert names(files, "公路") == []


def test_all_tokens_must_match_and_strong_fields_rank_first() -> None:
    files = small_index()
    assert names(files, "深山 三十年") == ["林某某"]
    assert names(files, "深山 手语") == []
    # 志愿 is in 李志愿's name and title, only in 王芳's body
    assert names(files, "志愿") == ["李志愿", "王芳"]


def test_index_files_are_versioned_and_manifest_is_small() -> None:
    files = small_index()
    manifest = json.loads(files[search.MANIFEST])
    assert manifest["docs"] == 4
    assert manifest["chunk"] == search.CHUNK_SIZE
    assert all(p == search.MANIFEST or p.startswith(f"search/{manifest['version']}/") for p in files)
    assert len(files[search.MANIFEST]) < 200
    other = search.build_index([doc(0, name="别人")])
    assert json.loads(other[search.MANIFEST])["version"] != manifest["version"]


def test_write_index_drops_older_versions(tmp_path: Path) -> None:
    old = search.build_index([doc(0, name="别人")])
    search.write_index(tmp_path, old)
    new = small_index()
    search.write_index(tmp_path, new)
    assert sorted(p.name for p in (tmp_path / "search").iterdir()) == sorted(
        [json.loads(new[search.MANIFEST])["version"], "manifest.json"]
    )
    assert names(new, "林某某") == [hit.name for hit in search.search(tmp_path, "林某某")]


def test_only_published_stories_are_indexed(repo: ContentRepo) -> None:
    repo.write_story("2024-lin-postman", body="他在深山里送信。\n")
    repo.write_story(
        "2024-withdrawn-one",
        changes={"subject.name": "撤下者", "status": "withdrawn", "withdrawn": {"on": "2024-06-01", "reason": "核实"}},
        body="深山里也有他的身影。\n",
    )
    repo.write_story(
        "2024-notice-one",
        changes={"subject.name": "公示者", "status": "notice", "published_on": None},
        body="深山里的公示故事。\n",
    )
    result = repo.check()
    assert not result.errors, [d.format_text() for d in result.errors]
    docs = search.documents_from_archive(result, urls.story_path)
    assert [d.name for d in docs] == ["林某某"]
    assert docs[0].unit_names == ("市邮政管理局",)
    files = search.build_index(docs)
    assert names(files, "深山") == ["林某某"]
    assert names(files, "撤下者") == []
    assert names(files, "公示者") == []


def test_markdown_text_keeps_words_drops_addresses() -> None:
    text = search.markdown_text("见![林某某在送信](photo.jpg)和[报道](https://example.org/a)。<b>加粗</b>{: .x}")
    assert "林某某在送信" in text and "报道" in text and "加粗" in text
    assert "photo" not in text and "example" not in text and ".x" not in text


# ---------------------------------------------------------------- 20,000 stories


def _corpus() -> ModuleType:
    spec = importlib.util.spec_from_file_location("bench_corpus", ROOT / "scripts" / "bench" / "corpus.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def synthetic(count: int, seed: int = 7) -> list[SearchDocument]:
    """Stories like the benchmark archive's, built in memory: name, unit, place and ~20 sentences."""
    corpus = _corpus()
    rng = random.Random(seed)
    units = [
        f"{city}{suffix}" for city in ("南台", "清河", "桃源", "东港", "北岭") for suffix, _ in corpus.MEMBER_SUFFIXES
    ]
    docs = []
    for n in range(count):
        name = rng.choice(corpus.SURNAMES)[0] + rng.choice(corpus.GIVEN_MALE) + rng.choice(corpus.GIVEN_FEMALE)
        place = rng.choice(corpus.NEIGHBOURHOODS)
        unit = rng.choice(units)
        fill = {
            "name": name,
            "ta": "他",
            "unit": unit,
            "place": place,
            "epithet": "暖心人",
            "years": "十年",
            "deed": rng.choice(corpus.DEEDS),
        }
        body = "".join(s.format(**fill) for s in rng.sample(corpus.GENERAL, 20))
        docs.append(
            SearchDocument(
                url=f"stories/{2026 - n * 17 // count}/s{n}/",
                title=rng.choice(corpus.TITLE_TEMPLATES).format(**fill),
                name=name,
                unit=unit,
                year=2026 - n * 17 // count,
                summary=rng.choice(corpus.SUMMARY_TEMPLATES).format(**fill),
                body=body,
                category=rng.choice(("敬业奉献", "助人为乐", "见义勇为")),
                tags=(rng.choice(corpus.TAGS),),
                unit_names=(unit + "精神文明建设领导小组",),
            )
        )
    return docs


@pytest.fixture(scope="module")
def big_site(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, list[SearchDocument], float]:
    docs = synthetic(20_000)
    started = time.perf_counter()
    files = search.build_index(docs)
    seconds = time.perf_counter() - started
    site = tmp_path_factory.mktemp("search20k")
    search.write_index(site, files)
    (site / search.SCRIPT).parent.mkdir(parents=True)
    shutil.copy(SCRIPT, site / search.SCRIPT)
    return site, docs, seconds


def test_shards_stay_small_at_20000_stories(big_site: tuple[Path, list[SearchDocument], float]) -> None:
    site, _docs, seconds = big_site
    version = json.loads((site / search.MANIFEST).read_bytes())["version"]
    sizes = {p.name: p.stat().st_size for p in (site / "search" / version).iterdir()}
    shards = [size for name, size in sizes.items() if name[0] in "st"]
    chunks = [size for name, size in sizes.items() if name[0] == "d"]
    assert max(shards) < 3 * search.SHARD_TARGET_BYTES
    assert max(chunks) < 8_000
    assert len(chunks) == 20_000 // search.CHUNK_SIZE
    assert seconds < 60  # a few seconds on a quiet machine; generous for loaded CI runners


def test_first_query_under_300_kb_at_20000_stories(big_site: tuple[Path, list[SearchDocument], float]) -> None:
    site, docs, _seconds = big_site
    target = docs[12_345]
    for query in (target.name, target.unit, "志愿", "志愿服务", target.unit_names[0]):
        assert search.first_query_bytes(site, query) < 300_000, query
    hits = search.search(site, target.name)
    assert target.url in [hit.url for hit in hits]
    assert hits[0].name == target.name


# ---------------------------------------------------------------- the browser's script agrees


@requires("node")
def test_javascript_tokens_hashes_and_postings_match_python() -> None:
    queries = [
        "南台教育系统",
        "林某某",
        "林",
        "ＡＢＣ　２０２４ 志愿",
        "Wi-Fi５Ｇ基站",
        "一二三四五六七八九十甲乙丙丁戊己",
    ]
    tokens = sorted({t for q in queries for t in search.query_tokens(q)})
    code = search.encode_numbers([3, 4, 40, 1000, 70_000])
    program = f"""
      const s = require({json.dumps(str(SCRIPT))});
      const queries = {json.dumps(queries, ensure_ascii=False)};
      const tokens = {json.dumps(tokens, ensure_ascii=False)};
      console.log(JSON.stringify({{
        queries: queries.map(s.queryTokens),
        crc: tokens.map(s.crc32),
        numbers: s.decode({json.dumps(code)}),
        scores: Array.from(s.tokenScores("AB,=,").entries()),
      }}));
    """
    out = json.loads(subprocess.run(["node", "-e", program], capture_output=True, text=True, check=True).stdout)
    assert out["queries"] == [search.query_tokens(q) for q in queries]
    assert out["crc"] == [search.zlib.crc32(t.encode("utf-8")) for t in tokens]
    assert out["numbers"] == [3, 4, 40, 1000, 70_000]
    assert [tuple(x) for x in out["scores"]] == sorted(search._token_scores("AB,=,").items())
