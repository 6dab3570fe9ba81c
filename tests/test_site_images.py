"""Photos reach the built site only as re-encoded copies, and every page says which image to share."""

from __future__ import annotations

from pathlib import Path

import pytest

from honorroll.engine.project import load_project
from honorroll.site import story_images
from tests.conftest import ContentRepo, errors
from tests.test_media import OWNER, SERIAL, private_jpeg
from tests.test_story_pages import _build, parsed

STORY = "stories/2024/2024-lin-postman/index.html"
BODY = "他一个人一条路，一走就是三十年。\n\n![山路上的邮包](photos/road.jpg)\n"


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("images")
    repo = ContentRepo(root)
    path = repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "林某某在山路上"}}, body=BODY, bundle=True)
    (path.parent / "cover.jpg").write_bytes(private_jpeg(orientation=6))
    (path.parent / "photos").mkdir()
    (path.parent / "photos" / "road.jpg").write_bytes(private_jpeg(orientation=1))
    repo.write_story("2024-second", changes={"title": "第二个故事"})
    repo.write_config()
    built = _build(root)
    assert built.returncode == 0, built.stderr
    return root / "build"


def test_no_published_file_carries_the_photos_metadata(site: Path) -> None:
    originals = {private_jpeg(orientation=6), private_jpeg(orientation=1)}
    for path in site.rglob("*"):
        if path.is_file():
            data = path.read_bytes()
            assert OWNER.encode() not in data and SERIAL.encode() not in data, path
            assert data not in originals, path
    assert not (site / "stories/2024/2024-lin-postman/cover.jpg").exists()
    assert not (site / "stories/2024/2024-lin-postman/photos/road.jpg").exists()


def test_story_images_point_at_the_derived_files(site: Path) -> None:
    page = parsed(site / STORY)
    sources = [v for tag, name, v in page.attrs if tag == "img" and name == "src"]
    assert len(sources) == 2 and all(src.startswith("../../../media/") for src in sources)
    for src in sources:
        assert (site / "stories/2024/2024-lin-postman" / src).resolve().is_file()
    # the cover was rotated by its EXIF orientation: 900×600 stored, 600×900 shown
    widths = [v for tag, name, v in page.attrs if tag == "img" and name == "width"]
    heights = [v for tag, name, v in page.attrs if tag == "img" and name == "height"]
    assert widths == ["600", "900"] and heights == ["900", "600"]


def test_a_photo_changed_after_the_check_is_a_chinese_error(tmp_path: Path) -> None:
    repo = ContentRepo(tmp_path)
    path = repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "说明"}}, bundle=True)
    (path.parent / "cover.jpg").write_bytes(private_jpeg())
    result = repo.check()
    assert errors(result) == []
    (path.parent / "cover.jpg").write_bytes(private_jpeg()[:300])  # truncated under the build
    settings = load_project(repo.write_config()).settings
    job = story_images.ImageJob(tmp_path, tmp_path / "cache", settings, "站点", {})
    with pytest.raises(story_images.StoryImagesError) as raised:
        story_images.publish_all(job, result.archive.stories, workers=1)
    message = str(raised.value)
    assert message.startswith("以下照片无法发布") and "stories/2024/2024-lin-postman/index.md" in message
    assert "cover.jpg" in message and "Traceback" not in message
