"""How long the image pipeline takes per item, and what that means for a 20,000-story build.

    python scripts/bench/images.py                 # about a minute
    python scripts/bench/images.py --count 20 --stories 20000 --covers 0.25 --workers 2

Measures, on this machine, each with a fresh cache (cold) and again with the cache filled (warm):
a drawn share card, a cover share card, a photo's derived sizes (card + srcset), and the check's
decode of a photo; for two kinds of source photo: a web-sized one (1200×800, like the sample's)
and a phone original (4032×3024). Then estimates the time at ``--stories`` stories, a fraction
``--covers`` of them with a cover, on ``--workers`` cores, and checks that estimate by running
drawn cards on that many processes.
"""

from __future__ import annotations

import argparse
import io
import os
import statistics
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

from PIL import Image, ImageDraw, ImageFilter

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from honorroll.content import media  # noqa: E402
from honorroll.site import share_image  # noqa: E402
from honorroll.site.story_images import _decode_once  # noqa: E402

LIMITS = media.Limits(20 * 1024 * 1024, 40_000_000)
NAMES = ["林某某", "陈某某", "青屿市第一中学“星光”志愿服务队", "黄某", "海岛供电抢修班"]
TITLES = ["深山邮路上的“不老松”", "三十年如一日守护海岛孩子的上学路", "一盏灯，一条船，一座岛", "把温暖送到每一户门前"]


def photo(size: tuple[int, int], seed: int, quality: int) -> bytes:
    """A photo-like JPEG: smooth shapes plus sensor-like grain, so it compresses like a real one."""
    small = (size[0] // 8, size[1] // 8)
    image = Image.new("RGB", small, (90 + seed % 60, 140, 200 - seed % 80))
    draw = ImageDraw.Draw(image)
    for i in range(12):
        x, y = (seed * 37 + i * 53) % small[0], (seed * 17 + i * 29) % small[1]
        draw.ellipse((x, y, x + small[0] // 3, y + small[1] // 4), fill=((i * 40) % 255, (i * 90) % 255, 120))
    image = image.filter(ImageFilter.GaussianBlur(3)).resize(size, Image.Resampling.BICUBIC)
    grain = Image.effect_noise(size, 18).convert("RGB")
    image = Image.blend(image, grain, 0.12)
    out = io.BytesIO()
    image.save(out, "JPEG", quality=quality)
    return out.getvalue()


def timed(step: Callable[[int], object], count: int) -> float:
    """Median CPU seconds per call over ``count`` calls (each call gets its own index).

    CPU time, not wall time: this machine is shared, and what a build on two free cores costs
    is the CPU each item needs (the work is single-threaded per item).
    """
    samples = []
    for i in range(count):
        start = time.process_time()
        step(i)
        samples.append(time.process_time() - start)
    return statistics.median(samples)


def _warm() -> None:
    share_image.draw_story_card(_style(), "预热", "预热", "预热")


def _warm_task(_index: int) -> None:
    return None


def _card_batch(args: tuple[str, int, int]) -> int:
    cache, first, count = args
    style = _style()
    for i in range(first, first + count):
        share_image.story_share_image(Path(cache), style, NAMES[i % 5] + str(i), TITLES[i % 4], "市邮政管理局")
    return count


def _cover_story(cache: Path, data: bytes) -> None:
    """What publishing a story with a cover costs: its sizes and its share image from one decode."""
    decoded = _decode_once(data, LIMITS, "cover.jpg")
    media.derive_photo(data, cache, LIMITS, "cover.jpg", decoded=decoded)
    share_image.cover_share_image(cache, data, LIMITS, "cover.jpg", "#9e1b1b", decoded)


def _style() -> share_image.CardStyle:
    font = share_image.find_font(None, ROOT)
    return share_image.CardStyle("青屿市光荣榜（示例）", "身边故事、共同铭记", "#9e1b1b", "#ffffff", "#f6c85f", font)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--count", type=int, default=20, help="calls per measurement (median is reported)")
    parser.add_argument("--stories", type=int, default=20000)
    parser.add_argument("--covers", type=float, default=0.25, help="fraction of stories with a cover")
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args(argv)
    n = args.count

    style = _style()
    share_image.draw_story_card(style, "预热", "预热", "预热")  # font loading and the background: once per process
    sources = {
        "web 1200×800": [photo((1200, 800), s, 85) for s in range(n)],
        "phone 4032×3024": [photo((4032, 3024), s, 92) for s in range(n)],
    }
    rows: list[tuple[str, float, float]] = []
    with tempfile.TemporaryDirectory() as tmp:
        cache = Path(tmp)

        def card(i: int) -> None:
            share_image.story_share_image(cache, style, NAMES[i % 5] + str(i), TITLES[i % 4], "市邮政管理局")

        rows.append(("share card, drawn", timed(card, n), timed(card, n)))
        for kind, datas in sources.items():
            check = timed(lambda i, d=datas: media.inspect_photo(d[i], LIMITS, "p.jpg"), n)  # type: ignore[misc]
            rows.append((f"check: decode photo, {kind}", check, check))
            cover = timed(lambda i, d=datas: _cover_story(cache, d[i]), n)  # type: ignore[misc]
            cover_hit = timed(lambda i, d=datas: _cover_story(cache, d[i]), n)  # type: ignore[misc]
            rows.append((f"cover: 4 sizes + share card, {kind}", cover, cover_hit))
            body = cache / f"body-{len(rows)}"  # the same photos again, in a fresh cache
            derive = timed(lambda i, d=datas, c=body: media.derive_photo(d[i], c, LIMITS, "p.jpg"), n)  # type: ignore[misc]
            derive_hit = timed(lambda i, d=datas, c=body: media.derive_photo(d[i], c, LIMITS, "p.jpg"), n)  # type: ignore[misc]
            rows.append((f"body photo: 4 sizes, {kind}", derive, derive_hit))
            sizes = sum(len(d) for d in datas) / len(datas) / 1024
            rows.append((f"  (source photos {kind}: {sizes:.0f} KB on average)", 0.0, 0.0))
        out_sizes = sorted(p.stat().st_size for p in (cache / "share").rglob("*.jpg"))
        media_sizes = sorted(p.stat().st_size for p in (cache / "media").rglob("*.jpg"))

        batch = max(100, n * 5)
        with ProcessPoolExecutor(args.workers, initializer=_warm) as pool:
            list(pool.map(_warm_task, range(args.workers)))
            start = time.perf_counter()
            done = sum(pool.map(_card_batch, [(str(cache / "par"), w * batch, batch) for w in range(args.workers)]))
            parallel = (time.perf_counter() - start) / done

    print(f"load average before the run: {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores (CPU ms per item below)")
    print(f"{'item':<46} {'cold ms':>9} {'cached ms':>10}")
    for label, cold, warm in rows:
        print(f"{label:<46} {cold * 1000:>9.1f} {warm * 1000:>10.2f}" if cold else label)
    print(
        f"share JPEG: median {statistics.median(out_sizes) / 1024:.0f} KB; derived photo files: median "
        f"{statistics.median(media_sizes) / 1024:.0f} KB"
    )
    print(
        f"drawn cards on {args.workers} processes: {parallel * 1000:.1f} ms wall time per card "
        "(ideal: the CPU figure ÷ processes; much more when other work shares the machine)"
    )

    stories = args.stories
    covered = round(stories * args.covers)
    plain = stories - covered
    table = {r[0]: r for r in rows}
    drawn, drawn_hit = table["share card, drawn"][1:]
    w = args.workers
    print(f"\nEstimate for {stories:,} stories ({covered:,} with a cover, no other photos) on {w} cores:")
    print(f"  drawn share cards ({plain:,}), cold: {plain * drawn / w:6.1f} s")
    for kind in sources:
        check = table[f"check: decode photo, {kind}"][1]
        cover, cover_hit = table[f"cover: 4 sizes + share card, {kind}"][1:]
        print(f"  covers are {kind}:")
        print(f"    covers' sizes + share cards, cold: {covered * cover / w:6.1f} s")
        print(f"    check's decode of the covers, cold:  {covered * check / w:6.1f} s")
        total = (plain * drawn + covered * (cover + check)) / w
        print(f"    every image again from a filled cache: {(plain * drawn_hit + covered * cover_hit) / w:6.1f} s")
        print(f"    total cold (check decode + sizes + all share cards): {total:6.1f} s")
    print("  (the check's result is cached per file: a warm check does not decode photos again)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
