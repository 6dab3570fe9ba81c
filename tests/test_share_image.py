"""Share images: one 1200×630 JPEG per story (cover cropped, or a drawn card) and one for the site."""

from __future__ import annotations

import io
from pathlib import Path

import pytest
from PIL import Image, ImageChops

from honorroll.config import HonorRollConfig
from honorroll.content import media
from honorroll.content.model import Story
from honorroll.engine.project import load_project
from honorroll.site import share_image, story_images
from honorroll.site.story_images import publish_site_image, publish_story_images
from tests.conftest import ContentRepo, errors
from tests.test_media import OWNER, SERIAL, jpeg, private_jpeg

BACKGROUND = (0x9E, 0x1B, 0x1B)


def _story(repo: ContentRepo, **options: object) -> tuple[Story, HonorRollConfig]:
    result = repo.check(**options)
    assert errors(result) == []
    [story] = result.archive.stories
    return story, load_project(repo.write_config(**options)).settings


def _publish(repo: ContentRepo, cache: Path, **options: object) -> story_images.StoryImages:
    story, settings = _story(repo, **options)
    return publish_story_images(story, repo.root, cache, settings, site_name="青屿市光荣榜", unit_name="市邮政管理局")


def _share(images: story_images.StoryImages) -> Image.Image:
    assert images.share is not None
    [file] = {file for path, file in images.files if path == images.share.path_in_site}
    image = Image.open(file)
    image.load()
    return image


def _differs_from(image: Image.Image, color: tuple[int, int, int]) -> float:
    """Share of pixels clearly unlike ``color``."""
    plain = Image.new("RGB", image.size, color)
    diff = ImageChops.difference(image.convert("RGB"), plain).convert("L").point(lambda v: 255 if v > 40 else 0)
    return sum(diff.histogram()[255:]) / (image.width * image.height)


def test_story_without_cover_gets_a_drawn_card(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    images = _publish(repo, tmp_path / "cache")
    assert images.share == media.DerivedImage("share/2024-lin-postman.jpg", 1200, 630, "image/jpeg")
    assert images.photos == {} and images.cover is None
    card = _share(images)
    assert (card.format, card.size, card.mode) == ("JPEG", (1200, 630), "RGB")
    assert 0.03 < _differs_from(card, BACKGROUND) < 0.6  # text and a footer band, not a blank
    # the honoree's name is drawn in the accent colour
    accent = Image.new("RGB", (1, 1), "#f6c85f").getpixel((0, 0))
    assert _differs_from(card.crop((80, 230, 1120, 350)), accent) < 0.97  # type: ignore[arg-type]


def test_drawn_card_depends_on_the_story_text(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    first = _share(_publish(repo, tmp_path / "cache"))
    repo.write_story(changes={"subject.name": "陈某某", "title": "海岛上的守灯人"})
    second = _share(_publish(repo, tmp_path / "cache"))
    assert ImageChops.difference(first, second).getbbox() is not None


def test_story_with_cover_shares_the_covers_largest_size(repo: ContentRepo, tmp_path: Path) -> None:
    path = repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "说明"}}, bundle=True)
    (path.parent / "cover.jpg").write_bytes(private_jpeg(orientation=1))
    images = _publish(repo, tmp_path / "cache")
    assert images.cover is not None and images.cover.largest.width == 900
    assert images.share == images.cover.largest  # no extra crop, no extra file
    card = _share(images)
    assert (card.format, card.size) == ("JPEG", (900, 600))
    data = dict(images.files)[images.share.path_in_site].read_bytes()
    assert OWNER.encode() not in data and SERIAL.encode() not in data and b"Exif" not in data
    assert not any(path.startswith("share/") for path, _file in images.files)


def test_without_per_story_cards_a_story_without_cover_uses_the_site_card(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    story, settings = _story(repo)
    assert settings.share_cards == "site"
    images = publish_story_images(
        story, repo.root, tmp_path, settings, site_name="站点", unit_name="单位", share_cards=settings.share_cards
    )
    assert images.share is None and images.files == ()


def test_share_image_is_cached_by_content(repo: ContentRepo, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    repo.write_story()
    first = _publish(repo, tmp_path / "cache")

    def no_drawing(*args: object) -> None:
        raise AssertionError("drawn again")

    monkeypatch.setattr(share_image, "draw_story_card", no_drawing)
    assert _publish(repo, tmp_path / "cache") == first
    assert not list((tmp_path / "cache").rglob("*.pickle"))


def test_a_damaged_cached_card_is_drawn_again(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    first = _publish(repo, tmp_path / "cache")
    assert first.share is not None
    file = dict(first.files)[first.share.path_in_site]
    file.write_bytes(b"\xff\xd8\xff" + b"\0" * 10)
    again = _publish(repo, tmp_path / "cache")
    assert _share(again).size == (1200, 630)


def test_colours_and_emblem_are_settings(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    emblem = Image.new("RGBA", (200, 200), (0, 0, 0, 0))
    emblem.paste((20, 60, 200, 255), (40, 40, 160, 160))
    emblem.save(repo.root / "emblem.png")
    options = {"share_emblem": "emblem.png", "share_background": "#1B3A6B", "share_accent": "#FFFFFF"}
    card = _share(_publish(repo, tmp_path / "cache", **options))
    assert _differs_from(card.crop((0, 0, 1200, 40)), (0x1B, 0x3A, 0x6B)) < 0.01
    badge = card.crop((80 + 24, 56 + 24, 80 + 72, 56 + 72))  # inside the emblem's blue square
    assert _differs_from(badge, (20, 60, 200)) < 0.05


def test_bad_colour_setting_is_a_chinese_error(repo: ContentRepo) -> None:
    from honorroll.engine.project import SettingsError

    repo.write_story()
    with pytest.raises(SettingsError, match="#rrggbb"):
        load_project(repo.write_config(share_background="red"))


def test_site_card(repo: ContentRepo, tmp_path: Path) -> None:
    repo.write_story()
    _, settings = _story(repo)
    site = publish_site_image(repo.root, tmp_path / "cache", settings, "青屿市光荣榜（示例）")
    assert site.share is not None and site.share.path_in_site == "share/site.jpg"
    card = _share(site)
    assert card.size == (1200, 630) and _differs_from(card, BACKGROUND) > 0.03


def test_missing_font_is_a_chinese_error(repo: ContentRepo, monkeypatch: pytest.MonkeyPatch) -> None:
    with pytest.raises(share_image.ShareImageError, match="share_font"):
        share_image.find_font("fonts/none.otf", repo.root)
    (repo.root / "bad.ttf").write_bytes(b"not a font")
    with pytest.raises(share_image.ShareImageError, match="无法读取"):
        share_image.find_font("bad.ttf", repo.root)
    monkeypatch.setattr(share_image, "_fc_match", lambda pattern: None)
    monkeypatch.setattr(share_image, "SYSTEM_FONTS", ())
    monkeypatch.setenv("WINDIR", str(repo.root / "Windows"))
    with pytest.raises(share_image.ShareImageError, match="fonts-noto-cjk"):
        share_image.find_font(None, repo.root)


def test_without_fontconfig_the_systems_own_cjk_font_is_used(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Windows has no fc-match: its Microsoft YaHei under %WINDIR%\\Fonts is found by path."""
    real = share_image.find_font(None, tmp_path)
    fonts = tmp_path / "Windows" / "Fonts"
    fonts.mkdir(parents=True)
    (fonts / "msyhbd.ttc").write_bytes(Path(real.path).read_bytes())
    monkeypatch.setattr(share_image, "_fc_match", lambda pattern: None)
    monkeypatch.setattr(share_image, "SYSTEM_FONTS", ())
    monkeypatch.setenv("WINDIR", str(tmp_path / "Windows"))
    found = share_image.find_font(None, tmp_path)
    assert Path(found.path) == fonts / "msyhbd.ttc" and found.digest == real.digest


def test_font_from_fontconfig_has_chinese_glyphs(tmp_path: Path) -> None:
    font = share_image.find_font(None, tmp_path)
    assert font.path.endswith((".ttc", ".otf", ".ttf")) and len(font.digest) == 64
    assert share_image._covers_chinese(share_image._font(font, 40))


def test_long_titles_are_cut_with_an_ellipsis(tmp_path: Path) -> None:
    font = share_image._font(share_image.find_font(None, tmp_path), 50)
    lines = share_image._fit_lines("三十年如一日跋涉在深山邮路上" * 6, font, 1040, 2)
    assert len(lines) == 2 and lines[-1].endswith("…")
    assert all(font.getlength(line) <= 1040 for line in lines)
    assert share_image._fit_lines("短标题", font, 1040, 2) == ["短标题"]


def test_cover_with_transparency_is_flattened(tmp_path: Path) -> None:
    out = io.BytesIO()
    Image.new("RGBA", (1300, 700), (0, 0, 0, 0)).save(out, "PNG")
    path = share_image.cover_share_image(tmp_path, out.getvalue(), media.Limits(10**7), "cover.png", "#123456")
    with Image.open(path) as card:
        assert card.format == "JPEG" and card.mode == "RGB"
        assert _differs_from(card, (0x12, 0x34, 0x56)) < 0.01


def test_small_cover_is_enlarged_to_fill(tmp_path: Path) -> None:
    path = share_image.cover_share_image(tmp_path, jpeg((300, 300)), media.Limits(10**7), "c.jpg", "#000000")
    with Image.open(path) as card:
        assert card.size == (1200, 630)
