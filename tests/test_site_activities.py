"""View models for the activities pages and a story's "featured in" list, and their templates (no build)."""

from __future__ import annotations

import datetime as dt
import posixpath
import re
from pathlib import Path

import jinja2
import markdown
import pytest

from honorroll.check.run import CheckResult
from honorroll.config import HonorRollConfig
from honorroll.site.activities import (
    ActivitiesPage,
    activities_year_page,
    activities_year_pages,
    featured_in,
    featured_index,
    publish_activity_photos,
)
from honorroll.site.views import publishable_body
from tests.conftest import JPEG, ROOT, ContentRepo, errors
from tests.test_activities import VIDEO, write_activity

THEME = ROOT / "honorroll" / "theme"


@pytest.fixture
def checked(repo: ContentRepo) -> CheckResult:
    repo.write_story()
    path = write_activity(
        repo,
        bundle=True,
        cover={"src": "cover.jpg", "alt": "宣讲现场"},
        summary="讲述深山邮路的故事。",
        body='第一段。\n\n![听众](hall.jpg) 与 <img src="stage.jpg" alt="舞台">\n',
    )
    for name in ("cover.jpg", "hall.jpg", "stage.jpg"):
        (path.parent / name).write_bytes(JPEG)
    write_activity(repo, "2024-bus-video", data=VIDEO, date=dt.date(2024, 6, 20))
    write_activity(repo, "2023-talk", year=2023, date=dt.date(2023, 9, 1), stories=["2024-lin-postman"])
    result = repo.check()
    assert errors(result) == []
    return result


def test_year_page_lists_the_years_activities_newest_first(checked: CheckResult) -> None:
    page = activities_year_page(2024, checked.activities, checked.archive.by_id(), checked.archive.units)
    assert (page.path, page.title) == ("activities/2024/", "2024 年度宣传活动")
    assert [a.id for a in page.activities] == ["2024-bus-video", "2024-postal-talk"]
    assert (page.offline, page.audience, page.online, page.views) == (1, 80, 1, 3200)
    assert page.stats[1] == ("覆盖群众", "80 人次") and page.stats[3] == ("累计观看", "3,200 次")
    assert [(y.year, y.href, y.current) for y in page.years] == [(2024, "./", True), (2023, "../2023/", False)]


def test_activity_card_links_are_relative_and_resolve(checked: CheckResult) -> None:
    page = activities_year_page(2024, checked.activities, checked.archive.by_id(), checked.archive.units)
    video, talk = page.activities
    here = page.path
    assert posixpath.normpath(posixpath.join(here, talk.stories[0].href)) == "stories/2024/2024-lin-postman"
    assert talk.stories[0].name == "林某某" and talk.unit_name == "市邮政管理局"
    assert posixpath.normpath(posixpath.join(here, talk.unit_href or "")) == "units/city-postal"
    assert talk.cover_src == "2024-postal-talk/cover.jpg" and talk.cover_alt == "宣讲现场"
    assert (talk.where_label, talk.where, talk.reach_label) == ("地点", "市邮政管理局会议室", "参与 80 人次")
    assert (video.where_label, video.where, video.reach_label, video.mode_label) == (
        "平台", "青屿文明网", "观看 3,200 次", "线上"
    )  # fmt: skip
    assert talk.date_label == "2024 年 6 月 3 日"


def test_body_photos_without_published_copies_are_dropped_not_linked(checked: CheckResult) -> None:
    """Only re-encoded copies are ever shown: an image with none is dropped (the check decoded every photo)."""
    talk = next(a for a in checked.activities if a.id == "2024-postal-talk")
    assert "![听众](hall.jpg)" in talk.body and 'src="stage.jpg"' in talk.body
    render = lambda text: str(publishable_body(markdown.markdown(text)))  # noqa: E731
    page = activities_year_page(2024, checked.activities, checked.archive.by_id(), checked.archive.units, render)
    assert page.activities[1].body_html is not None and "<img" not in page.activities[1].body_html
    assert page.activities[0].body_html is None


def test_activity_photos_are_published_as_re_encoded_copies(checked: CheckResult, tmp_path: Path) -> None:
    settings = HonorRollConfig()
    settings.load_dict({})
    assert settings.validate() == ([], [])
    root = Path(checked.archive.root)
    photos, files = publish_activity_photos(checked.activities, root, tmp_path, settings)
    assert list(photos) == ["2024-postal-talk"] and set(photos["2024-postal-talk"]) == {
        "cover.jpg",
        "hall.jpg",
        "stage.jpg",
    }
    assert files and all(path.startswith("media/") for path, _file in files)  # never the original files
    render = lambda text: str(publishable_body(markdown.markdown(text)))  # noqa: E731
    page = activities_year_page(
        2024, checked.activities, checked.archive.by_id(), checked.archive.units, render, photos
    )
    cover = photos["2024-postal-talk"]["cover.jpg"].largest.path_in_site
    assert page.activities[1].cover_src == f"../../{cover}"
    body = page.activities[1].body_html or ""
    for name in ("hall.jpg", "stage.jpg"):  # as written in the body, now their copies: the sanitiser kept them
        copy = photos["2024-postal-talk"][name].largest.path_in_site
        assert f'src="../../{copy}"' in body and f'src="{name}"' not in body


def test_featured_in_lists_the_activities_of_a_published_story(checked: CheckResult) -> None:
    story = checked.archive.by_id()["2024-lin-postman"]
    items = featured_in(story, featured_index(checked.activities), checked.archive.units)
    assert [i.href for i in items] == [
        "../../../activities/2024/#2024-bus-video",
        "../../../activities/2024/#2024-postal-talk",
        "../../../activities/2023/#2023-talk",
    ]
    assert (items[0].kind, items[0].unit_name, items[0].reach_label) == ("线上视频", "市公交集团", "观看 3,200 次")
    story.status = "withdrawn"
    assert featured_in(story, featured_index(checked.activities), checked.archive.units) == []


def test_every_year_with_activities_gets_a_page(checked: CheckResult) -> None:
    pages = activities_year_pages(checked.activities, checked.archive.by_id(), checked.archive.units)
    assert [p.year for p in pages] == [2024, 2023]


def environment() -> jinja2.Environment:
    """Like MkDocs' own environment: no autoescape, so the templates must turn it on themselves."""
    stub = jinja2.DictLoader({"main.html": "{% block content %}{% endblock %}"})
    return jinja2.Environment(loader=jinja2.ChoiceLoader([stub, jinja2.FileSystemLoader(THEME)]), autoescape=False)


def test_activities_template_escapes_content_and_keeps_rendered_bodies(repo: ContentRepo) -> None:
    repo.write_story(changes={"title": "<b>邮路</b>"})
    write_activity(repo, title="<script>alert(1)</script>宣讲", body="正文。\n")
    result = repo.check()
    page = activities_year_page(
        2024, result.activities, result.archive.by_id(), result.archive.units, lambda _text: "<p>正文。</p>"
    )
    view = ActivitiesPage(head=None, root="../../", page=page)  # type: ignore[arg-type]  # the region shows no head
    html = environment().get_template("partials/hr-activities.html").render(hr=view)
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;宣讲" in html
    assert "&lt;b&gt;邮路&lt;/b&gt;" in html and '<div class="hr-body"><p>正文。</p></div>' in html
    assert 'id="2024-postal-talk"' in html and 'href="../../stories/2024/2024-lin-postman/"' in html


def test_featured_in_partial_escapes_and_links(checked: CheckResult) -> None:
    story = checked.archive.by_id()["2024-lin-postman"]
    items = featured_in(story, featured_index(checked.activities), checked.archive.units)
    template = environment().get_template("partials/featured-in.html")
    html = template.render(featured_in=items)
    assert html.count("<li>") == 3 and 'href="../../../activities/2023/#2023-talk"' in html
    assert template.render(featured_in=[]).strip() == ""


# ---------------------------------------------------------------- the built site


def _built_sample(tmp_path: Path) -> Path:
    from tests.sitebuild import copy_sample, mkdocs_build

    root = copy_sample(tmp_path / "site")
    run = mkdocs_build(root)
    assert run.returncode == 0, run.stderr
    return root


def test_the_built_site_has_activity_pages_linked_from_the_nav_and_from_story_pages(tmp_path: Path) -> None:
    root = _built_sample(tmp_path)
    site = root / "build"
    years = sorted(p.name for p in (root / "activities").iterdir())
    assert sorted(p.parent.name for p in site.glob("activities/*/index.html")) == years
    home = (site / "index.html").read_text(encoding="utf-8")
    assert f'href="activities/{years[-1]}/"' in home  # the "活动" tab: the latest year
    featured = [
        p for p in site.glob("stories/*/*/index.html") if "讲述过这个故事的活动" in p.read_text(encoding="utf-8")
    ]
    assert featured, "stories featured by the sample's activities say so"
    for page in featured:
        text = page.read_text(encoding="utf-8")
        section = text.split('id="hr-featured-title"', 1)[1].split("</section>", 1)[0]
        for href in re.findall(r'href="([^"]+)"', section):
            path, _, anchor = href.partition("#")
            target = Path(posixpath.normpath(str(page.parent / path))) / "index.html"
            assert target.is_file(), href
            assert f'id="{anchor}"' in target.read_text(encoding="utf-8"), href


def test_changing_an_activity_re_renders_the_stories_it_featured(tmp_path: Path) -> None:
    from tests.sitebuild import mkdocs_build

    root = _built_sample(tmp_path)
    activity = root / "activities" / "2024" / "2024-no1-story-club.md"
    text = activity.read_text(encoding="utf-8")
    title = re.search(r"^title: *(.+)$", text, re.M)
    assert title is not None
    activity.write_text(text.replace(title.group(0), "title: 改过名字的故事会"), encoding="utf-8")
    run = mkdocs_build(root)
    assert run.returncode == 0, run.stderr
    shown = [
        p
        for p in (root / "build").glob("stories/*/*/index.html")
        if "改过名字的故事会" in p.read_text(encoding="utf-8")
    ]
    assert shown, "a reused story page would still show the old activity title"
