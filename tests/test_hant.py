"""The Traditional Chinese edition: what the conversion touches, and the built edition."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from honorroll.site import hant
from tests.sitebuild import SAMPLE_SITE_URL, build_sample

EDITION = hant.Edition("zh-hant", "s2t", "https://example.org/gr/")
CONVERT = hant.converter("s2t").convert


def to_hant(html: str, rel: str = "stories/2024/x/index.html") -> str:
    return hant.convert_html(html, EDITION, rel, CONVERT)


def test_text_and_readable_attributes_are_converted() -> None:
    out = to_hant(
        '<p title="见义勇为">青屿市见义勇为</p><img alt="发扬" src="a.jpg">'
        '<input placeholder="输入单位"><span aria-label="荣誉">x</span>'
        '<meta name="description" content="为民服务"><meta property="og:title" content="后勤">'
    )
    assert out == (
        '<p title="見義勇爲">青嶼市見義勇爲</p><img alt="發揚" src="a.jpg">'
        '<input placeholder="輸入單位"><span aria-label="榮譽">x</span>'
        '<meta name="description" content="爲民服務"><meta property="og:title" content="後勤">'
    )


def test_urls_ids_classes_and_other_meta_keep_their_characters() -> None:
    html = (
        '<a href="../categories/见义勇为/" id="见义" class="类别">见义勇为</a>'
        '<img src="照片/发.jpg" srcset="照片/发.jpg 2x" alt="照片">'
        '<meta name="keywords" content="发">'
    )
    out = to_hant(html)
    assert 'href="../categories/见义勇为/"' in out
    assert 'id="见义" class="类别"' in out
    assert 'src="照片/发.jpg" srcset="照片/发.jpg 2x"' in out
    assert '<meta name="keywords" content="发">' in out
    assert ">見義勇爲</a>" in out and 'alt="照片"' in out


def test_scripts_styles_and_code_are_left_alone() -> None:
    html = (
        '<script>var t="发";</script><style>.a::after{content:"发"}</style>'
        "<pre><code>发 后</code></pre><p>用 <code>发</code> 后</p><!-- 发 -->"
    )
    assert to_hant(html) == (
        '<script>var t="发";</script><style>.a::after{content:"发"}</style>'
        "<pre><code>发 后</code></pre><p>用 <code>发</code> 後</p><!-- 发 -->"
    )


def test_lang_canonical_and_share_address_move_into_the_edition() -> None:
    out = to_hant(
        '<html lang="zh" class="no-js"><link rel="canonical" href="https://example.org/gr/stories/x/">'
        '<meta property="og:url" content="https://example.org/gr/stories/x/">'
        '<meta property="og:image" content="https://example.org/gr/stories/x/cover.jpg">'
        '<meta property="og:locale" content="zh_CN">'
    )
    assert 'og:locale" content="zh_TW"' in out
    assert '<html lang="zh-Hant" class="no-js">' in out
    assert 'href="https://example.org/gr/zh-hant/stories/x/"' in out
    assert 'og:url" content="https://example.org/gr/zh-hant/stories/x/"' in out
    assert 'og:image" content="https://example.org/gr/stories/x/cover.jpg"' in out  # the image is shared


@pytest.mark.parametrize(("variant", "lang"), [("s2twp", "zh-TW"), ("s2hk", "zh-HK")])
def test_regional_variants_declare_their_language(variant: str, lang: str) -> None:
    edition = hant.Edition("zh-hant", variant, "")
    out = hant.convert_html('<html lang="zh"><p>软件</p>', edition, "index.html", hant.converter(variant).convert)
    assert f'lang="{lang}"' in out
    assert "<p>軟" in out


def test_switch_points_to_the_same_page_in_the_other_script() -> None:
    anchor = '<a href="../../../zh-hant/" class="md-header__button hr-script-switch" data-hr-script="zh-Hant">繁</a>'
    rel = "stories/2024/x/index.html"
    simplified = hant.simplified_switch(anchor, EDITION, rel)
    assert 'href="../../../zh-hant/stories/2024/x/"' in simplified
    assert hant.simplified_switch(simplified, EDITION, rel) == simplified  # reused stamped pages stay right
    back = to_hant(anchor, rel)
    assert 'href="../../../../stories/2024/x/"' in back and 'data-hr-script="zh-Hans"' in back
    assert back.endswith(">简</a>")  # its own label, not converted


def test_one_call_per_page_falls_back_when_a_text_holds_the_separator() -> None:
    assert hant.convert_all(["发", f"后{hant.SEPARATOR}发"], CONVERT) == ["發", f"後{hant.SEPARATOR}發"]


def test_search_result_chunks_convert_all_but_the_address() -> None:
    docs = [["categories/见义/", "见义勇为", "何某", "青屿市", 2024, "后来"]]
    assert hant.convert_result_docs(docs, CONVERT) == [["categories/见义/", "見義勇爲", "何某", "青嶼市", 2024, "後來"]]


def test_query_folding_map_is_character_for_character() -> None:
    folding = hant.t2s_map()
    assert [folding.get(c, c) for c in "見義勇為"] == list("见义勇为")
    assert all(len(k) == len(v) == 1 for k, v in folding.items())


# ---------------------------------------------------------------- the built edition


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return build_sample(tmp_path_factory.mktemp("hant") / "site")


def test_every_page_has_its_traditional_copy(site: Path) -> None:
    pages = [p.relative_to(site) for p in site.rglob("*.html") if p.relative_to(site).parts[0] != "zh-hant"]
    assert len(pages) > 50
    missing = [str(p) for p in pages if not (site / "zh-hant" / p).is_file()]
    assert missing == []
    home = (site / "zh-hant" / "index.html").read_text(encoding="utf-8")
    assert '<html lang="zh-Hant"' in home and "青嶼市" in home
    assert not (site / "zh-hant" / "sitemap.xml").exists()
    for asset in ("search/manifest.json", "search/t2s.json", "feed.xml"):
        assert (site / "zh-hant" / asset).stat().st_ino == (site / asset).stat().st_ino  # linked, not copied


def test_switch_links_lead_both_ways(site: Path) -> None:
    switch = re.compile(r'<a href="([^"]*)"[^>]*data-hr-script="(zh-Han[st])"')
    for rel in ("index.html", "stories/2024/2024-no1-he-lanxin/index.html", "search/index.html"):
        there_href, there_lang = switch.findall((site / rel).read_text(encoding="utf-8"))[0]
        assert there_lang == "zh-Hant"
        there = (site / rel).parent / there_href
        assert (there / "index.html").resolve() == (site / "zh-hant" / rel).resolve()
        back_href, back_lang = switch.findall((site / "zh-hant" / rel).read_text(encoding="utf-8"))[0]
        assert back_lang == "zh-Hans"
        assert ((site / "zh-hant" / rel).parent / back_href / "index.html").resolve() == (site / rel).resolve()


def test_stamped_copies_equal_the_finished_pages_converted(site: Path) -> None:
    """The workers convert a story's regions and chrome apart: the result is the whole page converted."""
    edition = hant.Edition("zh-hant", "s2t", SAMPLE_SITE_URL)
    stamped = [*site.glob("stories/*/*/index.html"), *site.glob("poster/*/index.html"), *site.glob("s/*/index.html")]
    assert len(stamped) > 20
    for page in stamped:
        rel = page.relative_to(site).as_posix()
        expected = hant.convert_html(page.read_text(encoding="utf-8"), edition, rel, CONVERT)
        assert (site / "zh-hant" / rel).read_text(encoding="utf-8") == expected, rel


def test_traditional_search_results_are_converted(site: Path) -> None:
    version = json.loads((site / "search/manifest.json").read_text(encoding="utf-8"))["version"]
    simplified = json.loads((site / "search" / version / "d0.json").read_text(encoding="utf-8"))
    traditional = json.loads((site / "zh-hant/search" / version / "d0.json").read_text(encoding="utf-8"))
    assert [d[0] for d in traditional] == [d[0] for d in simplified]
    assert [d[1] for d in traditional] == [CONVERT(d[1]) for d in simplified]
    assert traditional != simplified


def test_a_folder_of_the_site_named_like_the_prefix_is_refused(tmp_path: Path) -> None:
    (tmp_path / "zh-hant").mkdir()
    (tmp_path / "zh-hant" / "index.html").write_text("<p>自己的页面</p>", encoding="utf-8")
    with pytest.raises(hant.PrefixTaken, match="traditional_prefix"):
        hant.write_edition(tmp_path, EDITION, workers=1)
    assert (tmp_path / "zh-hant" / "index.html").read_text(encoding="utf-8") == "<p>自己的页面</p>"


def test_the_last_edition_is_replaced(tmp_path: Path) -> None:
    (tmp_path / "index.html").write_text('<html lang="zh"><p>发</p>', encoding="utf-8")
    hant.write_edition(tmp_path, EDITION, workers=1)
    (tmp_path / "index.html").write_text('<html lang="zh"><p>后</p>', encoding="utf-8")
    hant.write_edition(tmp_path, EDITION, workers=1)
    assert (tmp_path / "zh-hant" / "index.html").read_text(encoding="utf-8") == '<html lang="zh-Hant"><p>後</p>'
    assert not (tmp_path / "zh-hant" / "zh-hant").exists()


def test_folding_file_pairs_characters(tmp_path: Path) -> None:
    hant.write_t2s_map(tmp_path)
    path = tmp_path / hant.T2S_MAP
    traditional, simplified = json.loads(path.read_text(encoding="utf-8"))
    assert len(traditional) == len(simplified) and simplified[traditional.index("義")] == "义"
    assert path.stat().st_size < 20_000  # loaded with a reader's first search in Chinese


def test_unchanged_pages_are_read_from_the_cache_and_the_cache_keeps_one_site(tmp_path: Path) -> None:
    site, cache = tmp_path / "site", tmp_path / "cache"
    site.mkdir()
    (site / "index.html").write_text("<p>发</p>", encoding="utf-8")
    (site / "b.html").write_text("<p>后</p>", encoding="utf-8")
    hant.write_edition(site, EDITION, workers=1, cache=cache)
    entries = sorted(cache.iterdir())
    assert len(entries) == 2 and {e.read_text(encoding="utf-8") for e in entries} == {"<p>發</p>", "<p>後</p>"}
    for entry in entries:  # tells a copy from the cache apart from a conversion
        entry.write_text(entry.read_text(encoding="utf-8").replace("</p>", "（缓存）</p>"), encoding="utf-8")
    (site / "b.html").write_text("<p>里</p>", encoding="utf-8")  # changed: converted again
    hant.write_edition(site, EDITION, workers=1, cache=cache)
    assert (site / "zh-hant" / "index.html").read_text(encoding="utf-8") == "<p>發（缓存）</p>"
    assert (site / "zh-hant" / "b.html").read_text(encoding="utf-8") == "<p>裏</p>"
    assert len(list(cache.iterdir())) == 2  # the old b.html's copy is gone
    other = hant.Edition("zh-hant", "s2hk", EDITION.site_url)  # another variant: nothing reused
    hant.write_edition(site, other, workers=1, cache=cache)
    assert (site / "zh-hant" / "index.html").read_text(encoding="utf-8") == "<p>發</p>"


def test_stamped_files_are_left_to_the_workers(tmp_path: Path) -> None:
    (tmp_path / "s" / "x").mkdir(parents=True)
    (tmp_path / "s" / "x" / "index.html").write_text("<p>发</p>", encoding="utf-8")
    (tmp_path / "index.html").write_text("<p>后</p>", encoding="utf-8")
    hant.claim_prefix(tmp_path, EDITION)
    (tmp_path / "zh-hant" / "s" / "x").mkdir(parents=True)
    (tmp_path / "zh-hant" / "s" / "x" / "index.html").write_text("<p>工人写的</p>", encoding="utf-8")
    assert hant.write_edition(tmp_path, EDITION, workers=1, stamped=frozenset({"s/x/index.html"})) == 2
    assert (tmp_path / "zh-hant" / "s" / "x" / "index.html").read_text(encoding="utf-8") == "<p>工人写的</p>"
    assert (tmp_path / "zh-hant" / "index.html").read_text(encoding="utf-8") == "<p>後</p>"


def test_a_region_converts_as_inside_its_page() -> None:
    from honorroll.site.render import Shell

    shell = Shell.parse(
        '<html lang="zh"><head><title>光荣榜</title></head><body><header>'
        '<a href="../../../zh-hant/" class="md-header__button hr-script-switch" data-hr-script="zh-Hant" '
        'title="切換到繁體中文">繁</a></header><main><!--hr-region:partials/hr-story.html--></main></body></html>'
    )
    stamped = hant.StampedEdition.prepare(EDITION, shell)
    region = '发现<p title="后来">里面</p>后记'  # text at the very start and end of the region
    rel = "stories/2024/x/index.html"
    simplified, traditional = stamped.story_page({"partials/hr-story.html": region}, rel)
    assert simplified == hant.simplified_switch(shell.fill({"partials/hr-story.html": region}), EDITION, rel)
    assert traditional == hant.convert_html(simplified, EDITION, rel, CONVERT)
    assert "發現" in traditional and "後記" in traditional and 'title="後來"' in traditional
    bracket = '<img alt="甲>乙" src="x.jpg">后'  # escaped page-wide by convert_html: the page is converted whole
    simplified, traditional = stamped.story_page({"partials/hr-story.html": bracket}, rel)
    assert traditional == hant.convert_html(simplified, EDITION, rel, CONVERT) and 'alt="甲&gt;乙"' in traditional


def test_a_bracket_inside_an_attribute_does_not_expose_the_url() -> None:
    out = to_hant('<p><img alt="甲>乙" src="照片/发.jpg" title=\'丙>发\'>后</p>')
    assert 'src="照片/发.jpg"' in out
    assert 'alt="甲&gt;乙"' in out and "title='丙&gt;發'" in out and ">後</p>" in out
