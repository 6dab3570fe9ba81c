"""Red-team round 2: activities, pages/ images and the Traditional edition (each test fails until fixed)."""

from __future__ import annotations

import re
from collections import Counter

from PIL import Image

from tests.conftest import ContentRepo, errors
from tests.hostile.test_redteam import build
from tests.test_activities import check_with_site, write_activity


def test_a_phone_number_in_an_activity_id_is_refused(repo: ContentRepo) -> None:
    """The activity ID is published (``id="…"`` on the year page, ``#…`` in every featured story's link),
    yet its file name is not checked for personal numbers the way a story's is."""
    repo.write_story()
    write_activity(repo, "2024-13812345678")
    found = [d for d in errors(check_with_site(repo)) if d.rule == "privacy" and d.file.startswith("activities/")]
    assert found, "手机号码 in activities/2024/2024-13812345678.md was not reported"


def test_an_activity_body_cannot_take_another_activitys_anchor(repo: ContentRepo) -> None:
    """A heading ``## 2024-second`` gets ``id="2024-second"``: the story page's link ``#2024-second`` then
    lands on the wrong activity; and two bodies with the same heading give duplicate ids (Nu-invalid)."""
    repo.write_story()
    write_activity(repo, "2024-first", body="## 2024-second\n\n## 经过\n\n第一场。\n")
    write_activity(repo, "2024-second", body="## 经过\n\n第二场。\n")
    result = build(repo)
    assert result.returncode == 0, result.stderr[-2000:]
    html = (repo.root / "build" / "activities" / "2024" / "index.html").read_text(encoding="utf-8")
    ids = Counter(re.findall(r'\sid="([^"]+)"', html))
    assert [i for i, n in ids.items() if n > 1] == [], ids


def test_an_activity_body_photo_is_shown_on_the_year_page(repo: ContentRepo) -> None:
    """The check accepts ``![现场](site.jpg)`` in a bundle and its re-encoded copy is published, but the
    sanitiser strips the rewritten ``../../media/…`` src: the year page shows ``<img alt="现场">``."""
    repo.write_story()
    path = write_activity(repo, "2024-photo", bundle=True, body="活动经过。\n\n![现场](site.jpg)\n")
    exif = Image.Exif()
    exif[0x013B] = "拍摄者 13812345678"
    Image.new("RGB", (64, 48), "red").save(path.parent / "site.jpg", "JPEG", exif=exif)
    result = build(repo)
    assert result.returncode == 0, result.stderr[-2000:]
    site = repo.root / "build"
    html = (site / "activities" / "2024" / "index.html").read_text(encoding="utf-8")
    body = html.split('class="hr-body"', 1)[1].split("</div>", 1)[0]
    match = re.search(r'<img alt="现场"[^>]*\ssrc="([^"]+)"', body)
    assert match, body
    published = (site / "activities" / "2024" / match.group(1)).resolve()
    assert published.is_file() and b"13812345678" not in published.read_bytes()
