"""Photos are untrusted files: decoded within limits, never through a link, published only as clean copies."""

from __future__ import annotations

import io
import json
import os
import struct
import subprocess
import sys
import zlib
from pathlib import Path

import pytest
from PIL import Image, ImageCms

from honorroll.check.cache import file_key
from honorroll.config import HonorRollConfig
from honorroll.content import media
from honorroll.site.story_images import publish_photos, publish_story_images
from tests.conftest import ROOT, ContentRepo, errors

LIMITS = media.Limits(5 * 1024 * 1024)
OWNER = "Qingyu Photo Owner 8841"
SERIAL = "QY-SERIAL-55012367"
GPS_LATITUDE = (24.0, 27.0, 31.82)


def jpeg(size: tuple[int, int] = (900, 600), color: tuple[int, int, int] = (30, 140, 90), **save: object) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=90, **save)
    return out.getvalue()


def private_jpeg(orientation: int = 6) -> bytes:
    """A phone photo as it arrives: GPS position, camera serial, owner name, XMP, ICC profile, comment."""
    image = Image.new("RGB", (900, 600), (200, 60, 40))
    exif = Image.Exif()
    exif[0x0112] = orientation
    exif[0x013B] = OWNER  # Artist
    gps = exif.get_ifd(0x8825)
    gps.update({1: "N", 2: GPS_LATITUDE, 3: "E", 4: (118.0, 5.0, 12.0)})
    details = exif.get_ifd(0x8769)
    details.update({0xA430: OWNER, 0xA431: SERIAL})  # CameraOwnerName, BodySerialNumber
    xmp = f'<x:xmpmeta xmlns:x="adobe:ns:meta/"><rdf:Description Owner="{OWNER}"/></x:xmpmeta>'.encode()
    icc = ImageCms.ImageCmsProfile(ImageCms.createProfile("sRGB")).tobytes()
    out = io.BytesIO()
    image.save(out, "JPEG", exif=exif, xmp=xmp, icc_profile=icc, comment=f"owner {OWNER}")
    return out.getvalue()


def png_header_only(width: int, height: int) -> bytes:
    """A few dozen bytes that claim a huge picture: the classic decompression bomb."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))

    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n" + chunk(b"IHDR", header) + chunk(b"IDAT", zlib.compress(b"\0" * 64)) + chunk(b"IEND", b"")
    )


def cover_story(repo: ContentRepo, src: str = "cover.jpg", data: bytes | None = None) -> Path:
    path = repo.write_story(changes={"cover": {"src": src, "alt": "林某某在山路上送信"}}, bundle=True)
    if data is not None:
        (path.parent / src).parent.mkdir(parents=True, exist_ok=True)
        (path.parent / src).write_bytes(data)
    return path.parent


# --------------------------------------------------------------------------- metadata


def test_published_copies_carry_no_exif_xmp_icc_or_comment(tmp_path: Path) -> None:
    source = private_jpeg()
    assert OWNER.encode() in source and SERIAL.encode() in source
    derived = media.derive_photo(source, tmp_path, LIMITS, "cover.jpg")
    assert len(derived.files) == 3
    for _site_path, file in derived.files:
        data = file.read_bytes()
        for secret in (OWNER.encode(), SERIAL.encode(), b"Exif\x00\x00", b"xmpmeta", b"ICC_PROFILE", b"owner"):
            assert secret not in data, (file.name, secret)
        with Image.open(file) as image:
            assert len(image.getexif()) == 0
            assert image.getexif().get_ifd(0x8825) == {}
            assert not {"exif", "xmp", "icc_profile", "comment"} & image.info.keys()
            assert image.format == "JPEG"


def test_orientation_is_applied_before_sizing(tmp_path: Path) -> None:
    derived = media.derive_photo(private_jpeg(orientation=6), tmp_path, LIMITS, "cover.jpg")
    # stored 900×600 and "rotate 90°": shown 600 wide, 900 high; never upscaled past 600
    assert [(s.width, s.height) for s in derived.sizes] == [(480, 720), (600, 900)]
    assert (derived.card.width, derived.card.height) == (320, 480)
    for site_path, file in derived.files:
        with Image.open(file) as image:
            assert image.size[0] == int(site_path.rsplit("-", 1)[1].split(".")[0])


def test_sizes_for_srcset_are_never_upscaled(tmp_path: Path) -> None:
    large = media.derive_photo(jpeg((2000, 1000)), tmp_path, LIMITS, "a.jpg")
    assert [s.width for s in large.sizes] == [480, 800, 1200] and large.card.width == 320
    assert large.largest.height == 600 and all(s.mime == "image/jpeg" for s in large.sizes)
    small = media.derive_photo(jpeg((300, 200)), tmp_path, LIMITS, "b.jpg")
    assert [s.width for s in small.sizes] == [300] and small.card == small.largest
    assert len(small.files) == 1


def test_transparent_png_stays_png_and_opaque_png_becomes_jpeg(tmp_path: Path) -> None:
    def png(alpha: int) -> bytes:
        out = io.BytesIO()
        Image.new("RGBA", (500, 500), (10, 20, 30, alpha)).save(out, "PNG")
        return out.getvalue()

    clear = media.derive_photo(png(100), tmp_path, LIMITS, "logo.png")
    assert {s.mime for s in clear.sizes} == {"image/png"}
    with Image.open(clear.files[0][1]) as image:
        assert image.mode == "RGBA" and image.getpixel((1, 1))[3] == 100  # type: ignore[index]
    opaque = media.derive_photo(png(255), tmp_path, LIMITS, "photo.png")
    assert {s.mime for s in opaque.sizes} == {"image/jpeg"}


# --------------------------------------------------------------------------- broken and hostile files


def test_truncated_jpeg_is_an_error(tmp_path: Path) -> None:
    whole = jpeg((800, 600), color=(10, 200, 30))
    noisy = io.BytesIO()
    Image.effect_noise((800, 600), 60).convert("RGB").save(noisy, "JPEG")
    for data in (whole[: len(whole) // 2], noisy.getvalue()[: len(noisy.getvalue()) * 2 // 3]):
        with pytest.raises(media.PhotoError, match="不完整"):
            media.inspect_photo(data, LIMITS, "cover.jpg")
        with pytest.raises(media.PhotoError, match="不完整"):
            media.derive_photo(data, tmp_path, LIMITS, "cover.jpg")


def test_truncated_jpeg_stays_an_error_after_weasyprint_is_imported(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """WeasyPrint switches Pillow to accepting truncated files when it is imported (the book does so)."""
    import weasyprint  # noqa: F401
    from PIL import ImageFile

    monkeypatch.setattr(ImageFile, "LOAD_TRUNCATED_IMAGES", True)
    whole = jpeg((800, 600), color=(10, 200, 30))
    with pytest.raises(media.PhotoError, match="不完整"):
        media.inspect_photo(whole[: len(whole) // 2], LIMITS, "cover.jpg")
    assert ImageFile.LOAD_TRUNCATED_IMAGES is True  # restored for the library that wanted it


def test_truncated_photo_fails_the_check_at_the_cover_line(repo: ContentRepo) -> None:
    data = io.BytesIO()
    Image.effect_noise((640, 480), 60).convert("RGB").save(data, "JPEG")
    cover_story(repo, data=data.getvalue()[:5000])
    [problem] = errors(repo.check(), "photo")
    assert problem.field == "cover.src" and problem.file == "stories/2024/2024-lin-postman/index.md"
    assert "不完整" in problem.message and "cover.jpg" in problem.message
    text = (repo.root / problem.file).read_text(encoding="utf-8").splitlines()
    assert text[problem.line - 1].startswith("cover:")


def test_garbage_with_a_photo_extension_is_an_error(repo: ContentRepo) -> None:
    cover_story(repo, data=b"\xff\xd8\xff\xe0" + b"\x00" * 64)
    [problem] = errors(repo.check(), "photo")
    assert "不是可以识别的" in problem.message or "损坏" in problem.message


BOMB_SCRIPT = """
import resource, sys
resource.setrlimit(resource.RLIMIT_AS, (1024 * 1024 * 1024, 1024 * 1024 * 1024))
from pathlib import Path
from honorroll.content import media
data = Path(sys.argv[1]).read_bytes()
limits = media.Limits(5 * 1024 * 1024, 40_000_000)
for step in (lambda: media.inspect_photo(data, limits, "bomb.png"),
             lambda: media.derive_photo(data, Path(sys.argv[2]), limits, "bomb.png")):
    try:
        step()
    except media.PhotoError as exc:
        print(exc)
"""


def test_decompression_bomb_is_refused_from_its_header_without_allocating(tmp_path: Path) -> None:
    bomb = tmp_path / "bomb.png"
    bomb.write_bytes(png_header_only(40000, 40000))  # 1.6 gigapixels = 4.8 GB once decoded
    assert bomb.stat().st_size < 100
    # With 1 GB of address space, decoding (or even allocating) it would end in MemoryError, not our message.
    run = subprocess.run(
        [sys.executable, "-c", BOMB_SCRIPT, str(bomb), str(tmp_path / "cache")],
        capture_output=True,
        text=True,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        check=False,
    )
    assert run.returncode == 0, run.stderr
    lines = run.stdout.splitlines()
    assert (
        lines
        == ["照片“bomb.png”的像素太多（约 160000 万像素），超过 4000 万像素：请缩小到长边 4000 像素左右再提交"] * 2
    )
    assert not (tmp_path / "cache" / "media").exists()


def test_pillow_warning_range_is_an_error_too() -> None:
    # 48 MP is above our 40 MP limit but below twice it, where Pillow only warns by default
    with pytest.raises(media.PhotoError, match="像素太多"):
        media.inspect_photo(png_header_only(8000, 6000), LIMITS, "big.png")
    assert Image.MAX_IMAGE_PIXELS != 40_000_000 or media.DEFAULT_MAX_PIXELS == 40_000_000  # restored afterwards


def test_pixel_limit_is_a_site_setting(repo: ContentRepo) -> None:
    cover_story(repo, data=jpeg((1500, 1000)))
    assert errors(repo.check()) == []
    [problem] = errors(repo.check(max_photo_pixels=1_000_000), "photo")
    assert "（约 150 万像素），超过 100 万像素" in problem.message


def test_animated_images_are_refused() -> None:
    frames = [Image.new("RGB", (40, 40), color) for color in ((255, 0, 0), (0, 0, 255))]
    for fmt in ("PNG", "WEBP"):
        out = io.BytesIO()
        frames[0].save(out, fmt, save_all=True, append_images=frames[1:], duration=100)
        with pytest.raises(media.PhotoError, match="动图"):
            media.inspect_photo(out.getvalue(), LIMITS, f"anim.{fmt.lower()}")


def test_other_formats_are_not_even_parsed() -> None:
    out = io.BytesIO()
    Image.new("RGB", (40, 40)).save(out, "BMP")
    with pytest.raises(media.PhotoError, match="不是可以识别的"):
        media.inspect_photo(out.getvalue(), LIMITS, "cover.jpg")


# --------------------------------------------------------------------------- links


@pytest.mark.parametrize("target", ["file", "folder", "/dev/zero"])
def test_a_link_in_a_story_folder_is_an_error_and_never_followed(
    repo: ContentRepo, tmp_path: Path, target: str
) -> None:
    outside = tmp_path / "outside"
    outside.mkdir()
    (outside / "cover.jpg").write_bytes(jpeg())
    src = "img/cover.jpg" if target == "folder" else "cover.jpg"
    folder = cover_story(repo, src)
    if target == "folder":
        (folder / "img").symlink_to(outside, target_is_directory=True)
        link = "img"
    else:
        (folder / "cover.jpg").symlink_to(outside / "cover.jpg" if target == "file" else Path(target))
        link = "cover.jpg"
    result = repo.check()
    [file_problem] = errors(result, "file")
    assert file_problem.file == f"stories/2024/2024-lin-postman/{link}" and "符号链接" in file_problem.message
    [photo_problem] = errors(result, "photo")
    assert photo_problem.field == "cover.src" and "链接" in photo_problem.message
    with pytest.raises(media.PhotoError, match="链接"):
        media.read_untrusted(folder, src, LIMITS.max_bytes)
    assert file_key(repo.root, "stories/2024/2024-lin-postman/index.md", True)  # lstat only: /dev/zero is not read


def test_a_link_in_a_hidden_sub_folder_is_reported(repo: ContentRepo) -> None:
    folder = cover_story(repo, data=jpeg())
    (folder / ".drafts").mkdir()
    (folder / ".drafts" / "x.jpg").symlink_to("/etc/hostname")
    [problem] = errors(repo.check(), "file")
    assert problem.file == "stories/2024/2024-lin-postman/.drafts/x.jpg"


def test_linked_story_file_year_folder_and_unit_are_errors_and_not_read(repo: ContentRepo, tmp_path: Path) -> None:
    year = repo.root / "stories" / "2024"
    year.mkdir()
    (year / "2024-zero.md").symlink_to("/dev/zero")
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    (repo.root / "stories" / "2023").symlink_to(elsewhere, target_is_directory=True)
    (repo.root / "units" / "city-zero.yml").symlink_to("/dev/zero")
    result = repo.check()
    assert {d.file for d in errors(result, "file")} == {
        "stories/2024/2024-zero.md",
        "stories/2023",
        "units/city-zero.yml",
    }


def test_a_fifo_is_not_read(tmp_path: Path) -> None:
    os.mkfifo(tmp_path / "cover.jpg")
    with pytest.raises(media.PhotoError, match="不是普通文件"):
        media.read_untrusted(tmp_path, "cover.jpg", LIMITS.max_bytes)


# --------------------------------------------------------------------------- story files


def test_oversized_story_is_an_error_without_being_read(repo: ContentRepo) -> None:
    path = repo.write_story("2024-huge")
    with path.open("r+b") as handle:
        handle.truncate(4 * 1024 * 1024 * 1024)  # sparse: reading it would take 4 GB of memory
    repo.write_story()
    result = repo.check()
    [problem] = errors(result)
    assert (problem.rule, problem.file, problem.line) == ("file", "stories/2024/2024-huge.md", 1)
    assert "超过上限 1024 KB" in problem.message
    assert [s.id for s in result.archive.stories] == ["2024-lin-postman"]


def test_story_size_limit_is_a_site_setting(repo: ContentRepo) -> None:
    repo.write_story(body="三十年如一日。" * 20000)  # about 420 KB
    assert errors(repo.check()) == []
    [problem] = errors(repo.check(max_story_bytes=256 * 1024), "file")
    assert "超过上限 256 KB" in problem.message


# --------------------------------------------------------------------------- sub-folders and the caches


def test_photo_in_a_sub_folder_with_a_warm_cache(repo: ContentRepo, tmp_path: Path) -> None:
    folder = cover_story(repo, "photos/2024/cover.jpg", jpeg())
    assert errors(repo.check()) == []
    assert errors(repo.check()) == []  # warm
    (folder / "photos" / "2024" / "cover.jpg").unlink()
    [problem] = errors(repo.check(), "photo")  # the cache must notice a change two folders down
    assert "找不到照片" in problem.message
    (folder / "photos" / "2024" / "cover.jpg").write_bytes(jpeg()[: len(jpeg()) // 2])
    assert "不完整" in errors(repo.check(), "photo")[0].message
    (folder / "photos" / "2024" / "cover.jpg").write_bytes(jpeg((1000, 800)))
    result = repo.check()
    assert errors(result) == []
    [story] = result.archive.stories
    settings = _settings(repo)
    images = publish_story_images(story, repo.root, tmp_path / "cache", settings, site_name="站点", unit_name="单位")
    assert images.cover is not None and images.cover.largest.width == 1000
    assert all(file.is_file() for _path, file in images.files)


def _settings(repo: ContentRepo):  # type: ignore[no-untyped-def]
    from honorroll.engine.project import load_project

    return load_project(repo.write_config()).settings


def test_a_second_derive_is_a_cache_hit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    source = jpeg((1600, 1200))
    first = media.derive_photo(source, tmp_path, LIMITS, "a.jpg")
    stamps = {file: file.stat().st_mtime_ns for _p, file in first.files}

    def no_decoding(*args: object, **kwargs: object) -> None:
        raise AssertionError("decoded again")

    with monkeypatch.context() as patch:
        patch.setattr(media, "decode_oriented", no_decoding)
        assert media.derive_photo(source, tmp_path, LIMITS, "a.jpg") == first
    assert {file: file.stat().st_mtime_ns for _p, file in first.files} == stamps
    manifests = list((tmp_path / "media").rglob("*.json"))
    assert len(manifests) == 1 and json.loads(manifests[0].read_text())["pages"] == [480, 800, 1200]
    assert not list(tmp_path.rglob("*.pickle"))


@pytest.mark.parametrize("damage", ["truncate", "swap", "manifest"])
def test_a_damaged_cache_entry_is_derived_again(tmp_path: Path, damage: str) -> None:
    source = jpeg((1600, 1200))
    first = media.derive_photo(source, tmp_path, LIMITS, "a.jpg")
    victim = first.files[0][1]
    if damage == "truncate":
        victim.write_bytes(victim.read_bytes()[:100])
    elif damage == "swap":  # same size, other picture
        other = jpeg((1200, 900), color=(255, 255, 0))
        victim.write_bytes(other[: victim.stat().st_size].ljust(victim.stat().st_size, b"\0"))
    else:
        next((tmp_path / "media").rglob("*.json")).write_text("{not json")
    again = media.derive_photo(source, tmp_path, LIMITS, "a.jpg")
    assert again == first
    with Image.open(victim) as image:
        image.load()
        assert image.size == (1200, 900)


def test_file_key_sees_every_depth_and_links_as_links(tmp_path: Path) -> None:
    folder = tmp_path / "stories" / "2024" / "x"
    (folder / "a" / "b").mkdir(parents=True)
    (folder / "index.md").write_text("x")
    (folder / "a" / "b" / "p.jpg").write_bytes(b"1")
    before = file_key(tmp_path, "stories/2024/x/index.md", True)
    (folder / "a" / "b" / "p.jpg").write_bytes(b"22")
    changed = file_key(tmp_path, "stories/2024/x/index.md", True)
    (folder / "a" / "link").symlink_to("/dev/zero")
    linked = file_key(tmp_path, "stories/2024/x/index.md", True)
    assert len({before, changed, linked}) == 3


def test_story_images_cover_body_photos_each_once(repo: ContentRepo, tmp_path: Path) -> None:
    body = "第一段。\n\n![他在分拣邮件](photos/inline.png)\n\n![又一张封面](cover.jpg)\n"
    path = repo.write_story(changes={"cover": {"src": "cover.jpg", "alt": "说明"}}, body=body, bundle=True)
    (path.parent / "cover.jpg").write_bytes(private_jpeg(orientation=1))
    (path.parent / "photos").mkdir()
    transparent = io.BytesIO()
    Image.new("RGBA", (640, 480), (0, 0, 0, 0)).save(transparent, "PNG")
    (path.parent / "photos" / "inline.png").write_bytes(transparent.getvalue())
    result = repo.check()
    assert errors(result) == []
    [story] = result.archive.stories
    images = publish_story_images(story, repo.root, tmp_path, _settings(repo), site_name="站点", unit_name="单位")
    assert list(images.photos) == ["cover.jpg", "photos/inline.png"] and images.cover_src == "cover.jpg"
    assert [s.width for s in images.photos["photos/inline.png"].sizes] == [480, 640]
    assert images.photos["photos/inline.png"].card.mime == "image/png"
    paths = [site_path for site_path, _file in images.files]
    # cover 900 wide: 320, 480, 800, 900 (the largest is also the share image); inline 640 wide: 320, 480, 640
    assert len(paths) == len(set(paths)) == 4 + 3


def test_photos_of_any_content_folder(tmp_path: Path) -> None:
    (tmp_path / "activities" / "2025" / "x").mkdir(parents=True)
    (tmp_path / "activities" / "2025" / "x" / "a.jpg").write_bytes(private_jpeg(orientation=1))
    settings = HonorRollConfig()
    settings.load_dict({})
    assert settings.validate() == ([], [])
    photos, files = publish_photos(tmp_path, "activities/2025/x", ["a.jpg", "a.jpg"], tmp_path / "cache", settings)
    assert list(photos) == ["a.jpg"] and len(files) == 4
    assert all(OWNER.encode() not in file.read_bytes() for _path, file in files)
