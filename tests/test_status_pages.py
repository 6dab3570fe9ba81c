"""A story under notice has a page and a short link from its first day; both lead to the full story once
published. A withdrawn story's address and short link show a neutral page inside the site."""

from __future__ import annotations

from pathlib import Path

from tests.conftest import ContentRepo
from tests.test_story_pages import _build, parsed

ADDRESS = "stories/2024/2024-lin-postman/index.html"
SHORT = "s/2024-lin-postman/index.html"
UNDER_NOTICE = {"status": "notice", "published_on": None, "process.notice.end": "2024-06-30"}


def _site(repo: ContentRepo) -> Path:
    built = _build(repo.root)
    assert built.returncode == 0, built.stderr
    return repo.root / "build"


def test_the_notice_address_and_short_link_lead_to_the_full_story_once_published(tmp_path: Path) -> None:
    repo = ContentRepo(tmp_path)
    repo.write_config(today="2024-06-28")
    repo.write_story(changes=UNDER_NOTICE, body="正文第一段：深山邮路。\n")
    site = _site(repo)
    notice = (site / ADDRESS).read_text(encoding="utf-8")
    assert '<span class="hr-notice-badge">公示中</span>' in notice and "正文第一段" not in notice
    assert "2024-05-13 至 2024-06-30" in notice
    short_before = (site / SHORT).read_text(encoding="utf-8")
    qr_before = (site / "qr/2024-lin-postman.png").read_bytes()
    assert 'content="0; url=../../stories/2024/2024-lin-postman/"' in short_before
    assert "2024-lin-postman" not in (site / "feed.xml").read_text(encoding="utf-8")

    repo.write_story(
        changes={"process.notice.end": "2024-06-20", "published_on": "2024-06-27"}, body="正文第一段：深山邮路。\n"
    )
    site = _site(repo)
    story = (site / ADDRESS).read_text(encoding="utf-8")
    assert "正文第一段" in story and "hr-notice-badge" not in story
    assert (site / SHORT).read_text(encoding="utf-8") == short_before  # the printed QR keeps working
    assert (site / "qr/2024-lin-postman.png").read_bytes() == qr_before
    assert "2024-lin-postman" in (site / "feed.xml").read_text(encoding="utf-8")


def test_a_withdrawn_story_shows_a_neutral_page_at_both_addresses(tmp_path: Path) -> None:
    repo = ContentRepo(tmp_path)
    repo.write_config(today="2024-06-28")
    repo.write_story(changes={"status": "withdrawn", "withdrawn": {"on": "2024-06-01", "reason": "内部原因：核实中"}})
    repo.write_story("2024-second", changes={"title": "第二个故事"})
    site = _site(repo)
    for name in (ADDRESS, SHORT):
        page = parsed(site / name)
        text = (site / name).read_text(encoding="utf-8")
        assert page.title == "该内容已撤下 - 测试站点"
        assert "md-header" in text and "md-footer" in text and "hr-gone" in text
        assert "内部原因" not in text and "深山" not in text
        assert ("meta", "name", "robots") in page.attrs
