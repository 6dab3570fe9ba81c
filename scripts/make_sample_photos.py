"""Draw the illustrative photos used by the sample stories.

The sample site needs a few pictures next to its folder stories, but real photos of
people would be out of place in fictional content.  This script paints simple,
friendly scenes (sky, hills, sea, roads, buildings, poles) with Pillow, without
faces or lettering, and writes them where the stories expect them.  Everything is
drawn from fixed seeds, so running it twice gives the same pictures.

    python scripts/make_sample_photos.py            # (re)write all pictures
    python scripts/make_sample_photos.py --check    # only report missing files
"""

from __future__ import annotations

import argparse
import itertools
import math
import random
import sys
from collections.abc import Callable
from pathlib import Path

from PIL import Image, ImageDraw

ROOT = Path(__file__).resolve().parent.parent
SS = 2  # supersampling factor: draw large, then shrink for smooth edges
MAX_BYTES = 200 * 1024

Color = tuple[int, int, int]


# --------------------------------------------------------------------------- helpers


def mix(a: Color, b: Color, t: float) -> Color:
    return tuple(round(x + (y - x) * t) for x, y in zip(a, b, strict=False))  # type: ignore[return-value]


def sky(draw: ImageDraw.ImageDraw, w: int, h: int, top: Color, bottom: Color) -> None:
    for y in range(h):
        draw.line([(0, y), (w, y)], fill=mix(top, bottom, y / max(h - 1, 1)))


def sun(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, color: Color, glow: Color) -> None:
    for i in range(6, 0, -1):
        rr = r * (1 + i * 0.18)
        draw.ellipse([x - rr, y - rr, x + rr, y + rr], fill=mix(glow, color, 1 - i / 7))
    draw.ellipse([x - r, y - r, x + r, y + r], fill=color)


def cloud(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, color: Color) -> None:
    for dx, dy, rr in ((0, 0, 1.0), (0.9, -0.35, 1.2), (1.9, 0, 0.95), (0.95, 0.25, 1.0)):
        cx, cy, r = x + dx * s, y + dy * s, rr * s
        draw.ellipse([cx - r, cy - r * 0.75, cx + r, cy + r * 0.75], fill=color)


def ridge(draw: ImageDraw.ImageDraw, w: int, h: int, base: float, amp: float, color: Color, rng: random.Random) -> None:
    """A band of hills: a sum of soft waves above ``base`` (fraction of height)."""
    waves = [(rng.uniform(0.6, 2.2), rng.uniform(0, math.tau), rng.uniform(0.3, 1.0)) for _ in range(3)]
    total = sum(a for _, _, a in waves)
    points = []
    for i in range(0, 101):
        x = w * i / 100
        v = sum(a * math.sin(f * math.tau * i / 100 + p) for f, p, a in waves) / total
        points.append((x, h * base - amp * h * (0.5 + 0.5 * v)))
    draw.polygon([*points, (w, h), (0, h)], fill=color)


def sea(draw: ImageDraw.ImageDraw, w: int, h: int, top: float, deep: Color, light: Color, rng: random.Random) -> None:
    y0 = int(h * top)
    for y in range(y0, h):
        draw.line([(0, y), (w, y)], fill=mix(light, deep, (y - y0) / max(h - y0, 1)))
    for _ in range(28):
        y = rng.uniform(y0 + 6 * SS, h - 4 * SS)
        x = rng.uniform(0, w)
        length = rng.uniform(20, 70) * SS * (0.6 + (y - y0) / (h - y0))
        draw.line([(x, y), (x + length, y)], fill=mix(light, (255, 255, 255), 0.55), width=2 * SS)


def road(
    draw: ImageDraw.ImageDraw, w: int, h: int, horizon: float, color: Color, line: Color, bend: float = 0.0
) -> None:
    """A road running from the bottom edge to a vanishing point on the horizon."""
    vx, vy = w * (0.5 + bend), h * horizon
    draw.polygon([(vx - 4 * SS, vy), (vx + 4 * SS, vy), (w * 0.82, h), (w * 0.18, h)], fill=color)
    steps = 9
    for i in range(steps):
        t0, t1 = (i + 0.15) / steps, (i + 0.55) / steps
        t0, t1 = t0**1.8, t1**1.8
        ya, yb = vy + (h - vy) * t0, vy + (h - vy) * t1
        xa, xb = vx + (w * 0.5 - vx) * t0, vx + (w * 0.5 - vx) * t1
        half_a, half_b = 1 * SS + 5 * SS * t0, 1 * SS + 5 * SS * t1
        draw.polygon([(xa - half_a, ya), (xa + half_a, ya), (xb + half_b, yb), (xb - half_b, yb)], fill=line)


def tree(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, leaf: Color, trunk: Color = (110, 82, 60)) -> None:
    draw.rectangle([x - s * 0.08, y - s * 0.55, x + s * 0.08, y], fill=trunk)
    draw.ellipse([x - s * 0.38, y - s * 1.15, x + s * 0.38, y - s * 0.42], fill=leaf)
    draw.ellipse([x - s * 0.25, y - s * 1.3, x + s * 0.2, y - s * 0.85], fill=mix(leaf, (255, 255, 255), 0.15))


def building(
    draw: ImageDraw.ImageDraw, x: float, y: float, bw: float, bh: float, wall: Color, window: Color, rng: random.Random
) -> None:
    draw.rectangle([x, y - bh, x + bw, y], fill=wall)
    cols, rows = max(2, int(bw / (22 * SS))), max(2, int(bh / (26 * SS)))
    cw, rh = bw / cols, bh / rows
    for c in range(cols):
        for r in range(rows - 1):
            if rng.random() < 0.8:
                wx, wy = x + c * cw + cw * 0.25, y - bh + r * rh + rh * 0.3
                draw.rectangle([wx, wy, wx + cw * 0.5, wy + rh * 0.4], fill=window)


def pole_line(draw: ImageDraw.ImageDraw, xs: list[float], ground: list[float], height: float, color: Color) -> None:
    tops = []
    for x, g in zip(xs, ground, strict=False):
        draw.rectangle([x - 3 * SS, g - height, x + 3 * SS, g], fill=color)
        draw.rectangle([x - 26 * SS, g - height + 8 * SS, x + 26 * SS, g - height + 13 * SS], fill=color)
        tops.append((x, g - height + 10 * SS))
    for off in (-22 * SS, 0, 22 * SS):
        for (x0, y0), (x1, y1) in itertools.pairwise(tops):
            pts = []
            for i in range(21):
                t = i / 20
                sag = 18 * SS * math.sin(math.pi * t)
                pts.append((x0 + off + (x1 - x0) * t, y0 + (y1 - y0) * t + sag))
            draw.line(pts, fill=mix(color, (40, 40, 40), 0.4), width=SS)


def bus(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, body: Color) -> None:
    draw.rounded_rectangle([x, y - s * 0.42, x + s, y], radius=s * 0.05, fill=body)
    draw.rectangle([x, y - s * 0.12, x + s, y - s * 0.08], fill=(250, 250, 250))
    for i in range(5):
        wx = x + s * (0.05 + i * 0.18)
        draw.rounded_rectangle([wx, y - s * 0.36, wx + s * 0.14, y - s * 0.2], radius=s * 0.015, fill=(190, 225, 240))
    for wx in (0.2, 0.8):
        cx = x + s * wx
        draw.ellipse([cx - s * 0.07, y - s * 0.07, cx + s * 0.07, y + s * 0.07], fill=(50, 50, 55))
        draw.ellipse([cx - s * 0.03, y - s * 0.03, cx + s * 0.03, y + s * 0.03], fill=(170, 170, 175))


def ship(draw: ImageDraw.ImageDraw, x: float, y: float, s: float, hull: Color, rng: random.Random) -> None:
    draw.polygon([(x, y - s * 0.12), (x + s, y - s * 0.12), (x + s * 0.9, y), (x + s * 0.08, y)], fill=hull)
    draw.rectangle([x + s * 0.72, y - s * 0.3, x + s * 0.88, y - s * 0.12], fill=(240, 240, 240))
    boxes = [(214, 96, 77), (66, 133, 180), (236, 178, 62), (96, 160, 110)]
    for i in range(7):
        bx = x + s * (0.08 + i * 0.088)
        for j in range(rng.randint(1, 2)):
            by = y - s * 0.12 - (j + 1) * s * 0.055
            draw.rectangle([bx, by, bx + s * 0.08, by + s * 0.05], fill=rng.choice(boxes))


def containers(
    draw: ImageDraw.ImageDraw, x: float, y: float, cols: int, rows: int, s: float, rng: random.Random
) -> None:
    palette = [(205, 92, 75), (70, 130, 180), (232, 170, 60), (95, 158, 115), (150, 110, 170)]
    for c in range(cols):
        for r in range(rng.randint(1, rows)):
            bx, by = x + c * s * 1.05, y - (r + 1) * s * 0.45
            color = rng.choice(palette)
            draw.rectangle([bx, by, bx + s, by + s * 0.42], fill=color)
            for k in range(1, 6):
                lx = bx + s * k / 6
                draw.line([(lx, by + 3 * SS), (lx, by + s * 0.42 - 3 * SS)], fill=mix(color, (0, 0, 0), 0.15), width=SS)


def crane(draw: ImageDraw.ImageDraw, x: float, ground: float, s: float, color: Color) -> None:
    draw.rectangle([x, ground - s, x + s * 0.06, ground], fill=color)
    draw.rectangle([x + s * 0.3, ground - s, x + s * 0.36, ground], fill=color)
    draw.rectangle([x - s * 0.35, ground - s * 1.02, x + s * 0.9, ground - s * 0.94], fill=color)
    draw.line([(x + s * 0.6, ground - s * 0.94), (x + s * 0.6, ground - s * 0.6)], fill=(60, 60, 60), width=SS)


def stars(draw: ImageDraw.ImageDraw, w: int, h: int, count: int, rng: random.Random, big: int = 0) -> None:
    for _ in range(count):
        x, y, r = rng.uniform(0, w), rng.uniform(0, h * 0.6), rng.uniform(0.8, 2.2) * SS
        draw.ellipse([x - r, y - r, x + r, y + r], fill=(255, 250, 225))
    for _ in range(big):
        star_shape(
            draw,
            rng.uniform(w * 0.05, w * 0.95),
            rng.uniform(h * 0.05, h * 0.45),
            rng.uniform(8, 16) * SS,
            (255, 236, 160),
        )


def star_shape(draw: ImageDraw.ImageDraw, x: float, y: float, r: float, color: Color) -> None:
    pts = []
    for i in range(10):
        a = -math.pi / 2 + i * math.pi / 5
        rr = r if i % 2 == 0 else r * 0.45
        pts.append((x + rr * math.cos(a), y + rr * math.sin(a)))
    draw.polygon(pts, fill=color)


# --------------------------------------------------------------------------- scenes


def scene_coast_power(w: int, h: int, rng: random.Random, dawn: bool = True) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (120, 170, 220) if dawn else (90, 150, 210), (250, 214, 170) if dawn else (200, 225, 240))
    sun(d, w * 0.78, h * 0.32, h * 0.06, (255, 236, 190), (250, 214, 170))
    cloud(d, w * 0.12, h * 0.16, h * 0.05, (255, 246, 236))
    ridge(d, w, h, 0.58, 0.16, (120, 150, 170), rng)
    sea(d, w, h, 0.56, (40, 100, 150), (120, 180, 210), rng)
    ridge(d, w, h, 0.86, 0.22, (86, 140, 92), rng)
    xs = [w * t for t in (0.08, 0.34, 0.6, 0.86)]
    pole_line(d, xs, [h * 0.82, h * 0.8, h * 0.79, h * 0.81], h * 0.42, (95, 85, 78))
    for i in range(6):
        tree(d, w * (0.05 + i * 0.18) + rng.uniform(-20, 20) * SS, h * 0.97, h * 0.15, (70, 125, 75))
    return img


def scene_poles_close(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (70, 140, 215), (200, 228, 245))
    for i in range(3):
        cloud(d, w * (0.1 + i * 0.32), h * (0.14 + 0.06 * (i % 2)), h * 0.06, (252, 252, 255))
    ridge(d, w, h, 0.8, 0.2, (110, 160, 110), rng)
    pole_line(d, [w * 0.22, w * 0.8], [h * 1.0, h * 0.95], h * 0.78, (90, 80, 72))
    # a bucket truck boom reaching towards the line
    d.rectangle([w * 0.44, h * 0.86, w * 0.7, h * 0.97], fill=(236, 236, 236))
    d.rectangle([w * 0.62, h * 0.8, w * 0.7, h * 0.88], fill=(236, 236, 236))
    d.line([(w * 0.5, h * 0.86), (w * 0.58, h * 0.36)], fill=(242, 180, 50), width=9 * SS)
    d.rectangle([w * 0.54, h * 0.3, w * 0.62, h * 0.37], fill=(242, 180, 50))
    for cx in (0.49, 0.66):
        d.ellipse([w * cx - 14 * SS, h * 0.95, w * cx + 14 * SS, h * 0.95 + 28 * SS], fill=(50, 50, 55))
    return img


def scene_weather_station(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (88, 100, 124), (180, 190, 200))
    for i in range(5):
        cloud(d, w * (-0.05 + i * 0.24), h * (0.1 + 0.05 * (i % 2)), h * 0.09, (120, 128, 146))
    for _ in range(110):
        x, y = rng.uniform(0, w), rng.uniform(h * 0.2, h * 0.85)
        d.line([(x, y), (x - 6 * SS, y + 22 * SS)], fill=(205, 215, 228), width=SS)
    ridge(d, w, h, 0.72, 0.18, (92, 120, 110), rng)
    ridge(d, w, h, 0.92, 0.12, (105, 150, 100), rng)
    # observation mast with cups and the white instrument box
    mx, g = w * 0.62, h * 0.9
    d.rectangle([mx - 3 * SS, g - h * 0.5, mx + 3 * SS, g], fill=(215, 215, 220))
    d.line([(mx - 40 * SS, g - h * 0.5), (mx + 40 * SS, g - h * 0.5)], fill=(215, 215, 220), width=3 * SS)
    for dx in (-40, 40):
        cx, cy = mx + dx * SS, g - h * 0.5
        d.ellipse([cx - 9 * SS, cy - 9 * SS, cx + 9 * SS, cy + 9 * SS], fill=(240, 240, 245))
    d.rectangle([w * 0.28, g - h * 0.2, w * 0.4, g - h * 0.1], fill=(250, 250, 250))
    for i in range(4):
        d.line(
            [(w * 0.29, g - h * 0.18 + i * h * 0.022), (w * 0.39, g - h * 0.18 + i * h * 0.022)],
            fill=(200, 200, 205),
            width=SS,
        )
    d.rectangle([w * 0.33, g - h * 0.1, w * 0.345, g], fill=(240, 240, 240))
    return img


def scene_city_bus(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (110, 175, 230), (235, 240, 230))
    sun(d, w * 0.15, h * 0.18, h * 0.05, (255, 244, 200), (235, 240, 230))
    x = 0.0
    walls = [(214, 200, 180), (190, 205, 215), (230, 214, 196), (200, 190, 210), (180, 200, 190)]
    while x < w:
        bw = rng.uniform(0.09, 0.16) * w
        building(d, x, h * 0.62, bw, rng.uniform(0.18, 0.42) * h, rng.choice(walls), (160, 200, 225), rng)
        x += bw + rng.uniform(0, 0.02) * w
    d.rectangle([0, h * 0.62, w, h], fill=(92, 96, 104))
    d.rectangle([0, h * 0.62, w, h * 0.66], fill=(190, 190, 186))
    for i in range(10):
        d.rectangle([w * (i / 10 + 0.02), h * 0.8, w * (i / 10 + 0.07), h * 0.81], fill=(240, 240, 240))
    for i in range(8):
        tree(d, w * (0.06 + i * 0.13), h * 0.64, h * 0.16, (84, 150, 90))
    bus(d, w * 0.3, h * 0.78, w * 0.36, (46, 140, 110))
    return img


def scene_harbour(w: int, h: int, rng: random.Random, evening: bool = False) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    if evening:
        sky(d, w, h, (80, 90, 150), (248, 180, 130))
        sun(d, w * 0.7, h * 0.45, h * 0.06, (255, 210, 150), (248, 180, 130))
    else:
        sky(d, w, h, (100, 165, 225), (220, 236, 245))
        cloud(d, w * 0.6, h * 0.14, h * 0.05, (255, 255, 255))
    ridge(d, w, h, 0.5, 0.1, (130, 150, 175) if not evening else (110, 100, 140), rng)
    sea(d, w, h, 0.5, (30, 90, 140), (100, 160, 200) if not evening else (190, 150, 150), rng)
    ship(d, w * 0.08, h * 0.62, w * 0.42, (60, 70, 90), rng)
    d.rectangle([0, h * 0.74, w, h], fill=(170, 170, 165))
    d.rectangle([0, h * 0.74, w, h * 0.76], fill=(120, 120, 118))
    containers(d, w * 0.52, h * 0.74, 7, 3, w * 0.06, rng)
    crane(d, w * 0.47, h * 0.74, h * 0.42, (220, 90, 60))
    return img


def scene_school(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (120, 185, 235), (236, 244, 240))
    cloud(d, w * 0.62, h * 0.12, h * 0.05, (255, 255, 255))
    ridge(d, w, h, 0.5, 0.12, (150, 185, 160), rng)
    building(d, w * 0.12, h * 0.58, w * 0.55, h * 0.26, (236, 222, 200), (150, 195, 225), rng)
    d.polygon(
        [(w * 0.1, h * 0.32), (w * 0.69, h * 0.32), (w * 0.64, h * 0.28), (w * 0.15, h * 0.28)], fill=(190, 90, 70)
    )
    d.rectangle([w * 0.8, h * 0.2, w * 0.805, h * 0.58], fill=(200, 200, 205))
    d.polygon([(w * 0.805, h * 0.2), (w * 0.88, h * 0.225), (w * 0.805, h * 0.25)], fill=(220, 60, 50))
    d.rectangle([0, h * 0.58, w, h], fill=(120, 178, 102))
    d.ellipse([w * 0.08, h * 0.66, w * 0.92, h * 1.2], fill=(200, 100, 80))
    d.ellipse([w * 0.16, h * 0.72, w * 0.84, h * 1.14], fill=(120, 178, 102))
    for i in range(5):
        tree(d, w * (0.03 + i * 0.24), h * 0.62, h * 0.14, (70, 140, 80))
    return img


def scene_warm_home(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (60, 70, 130), (240, 170, 140))
    stars(d, w, h, 30, rng)
    ridge(d, w, h, 0.7, 0.16, (70, 80, 110), rng)
    d.rectangle([0, h * 0.78, w, h], fill=(80, 110, 90))
    hx, g = w * 0.35, h * 0.82
    d.rectangle([hx, g - h * 0.24, hx + w * 0.3, g], fill=(230, 205, 175))
    d.polygon(
        [(hx - w * 0.03, g - h * 0.24), (hx + w * 0.33, g - h * 0.24), (hx + w * 0.15, g - h * 0.4)], fill=(150, 80, 70)
    )
    for wx in (0.05, 0.19):
        d.rectangle([hx + w * wx, g - h * 0.18, hx + w * (wx + 0.07), g - h * 0.1], fill=(255, 214, 120))
    d.rectangle([hx + w * 0.125, g - h * 0.1, hx + w * 0.175, g], fill=(120, 80, 60))
    for x in (0.12, 0.8, 0.92):
        tree(d, w * x, h * 0.86, h * 0.18, (60, 100, 70))
    return img


def scene_village_path(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (130, 190, 235), (240, 238, 220))
    sun(d, w * 0.2, h * 0.2, h * 0.05, (255, 246, 210), (240, 238, 220))
    ridge(d, w, h, 0.48, 0.16, (120, 160, 150), rng)
    ridge(d, w, h, 0.62, 0.14, (100, 160, 100), rng)
    d.rectangle([0, h * 0.7, w, h], fill=(135, 185, 95))
    path = []
    for i in range(31):
        t = i / 30
        path.append((w * (0.5 + 0.18 * math.sin(t * 3.2)), h * (0.6 + 0.4 * t)))
    for i, (x, y) in enumerate(path):
        half = (4 + 60 * (i / 30) ** 1.5) * SS
        d.ellipse([x - half, y - half * 0.35, x + half, y + half * 0.35], fill=(214, 190, 150))
    for k, (bx, by) in enumerate(((0.7, 0.62), (0.8, 0.64), (0.27, 0.66))):
        x0, y0 = w * bx, h * by
        d.rectangle([x0, y0 - h * 0.08, x0 + w * 0.08, y0], fill=(245, 238, 226))
        d.polygon(
            [(x0 - w * 0.01, y0 - h * 0.08), (x0 + w * 0.09, y0 - h * 0.08), (x0 + w * 0.04, y0 - h * 0.13)],
            fill=(160, 90, 70) if k else (70, 120, 150),
        )
        d.rectangle([x0 + w * 0.03, y0 - h * 0.04, x0 + w * 0.05, y0], fill=(120, 90, 70))
    for i in range(9):
        tree(d, w * (0.04 + i * 0.11) + rng.uniform(-10, 10) * SS, h * (0.74 + 0.02 * (i % 3)), h * 0.12, (66, 130, 72))
    return img


def scene_apartments(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (95, 160, 225), (230, 238, 245))
    for i in range(3):
        cloud(d, w * (0.08 + i * 0.33), h * (0.1 + 0.04 * i), h * 0.045, (255, 255, 255))
    ridge(d, w, h, 0.55, 0.14, (150, 180, 190), rng)
    walls = [(240, 226, 206), (226, 232, 236), (238, 214, 196), (220, 228, 210)]
    for i in range(6):
        bw = w * 0.12
        building(d, w * (0.03 + i * 0.165), h * 0.72, bw, h * rng.uniform(0.3, 0.5), walls[i % 4], (150, 190, 215), rng)
    d.rectangle([0, h * 0.72, w, h], fill=(125, 175, 105))
    road(d, w, h, 0.72, (110, 112, 118), (245, 245, 240), bend=0.05)
    for i in range(10):
        if abs(i - 4.7) > 1.6:
            tree(d, w * (0.02 + i * 0.105), h * (0.8 + 0.05 * (i % 2)), h * 0.12, (74, 140, 82))
    return img


def scene_kite_park(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (150, 200, 240), (250, 236, 222))
    for i in range(3):
        cloud(d, w * (0.1 + i * 0.3), h * (0.12 + 0.05 * (i % 2)), h * 0.05, (255, 255, 255))
    # a diamond kite with a tail of bows
    kx, ky, ks = w * 0.68, h * 0.26, h * 0.09
    d.polygon([(kx, ky - ks), (kx + ks * 0.7, ky), (kx, ky + ks * 1.2), (kx - ks * 0.7, ky)], fill=(240, 120, 110))
    d.polygon([(kx, ky - ks), (kx + ks * 0.7, ky), (kx, ky)], fill=(250, 200, 90))
    tail = [(kx + math.sin(i * 0.9) * 18 * SS, ky + ks * 1.2 + i * 22 * SS) for i in range(8)]
    d.line(tail, fill=(90, 90, 110), width=SS)
    for i, (x, y) in enumerate(tail[1::2]):
        d.polygon(
            [(x - 8 * SS, y - 5 * SS), (x + 8 * SS, y + 5 * SS), (x + 8 * SS, y - 5 * SS), (x - 8 * SS, y + 5 * SS)],
            fill=[(120, 180, 230), (250, 200, 90)][i % 2],
        )
    d.line([(kx, ky + ks * 0.2), (w * 0.4, h * 0.8)], fill=(120, 120, 130), width=SS)
    ridge(d, w, h, 0.7, 0.12, (160, 205, 150), rng)
    d.rectangle([0, h * 0.78, w, h], fill=(140, 200, 120))
    for i, color in enumerate([(250, 180, 80), (110, 170, 230), (240, 120, 140), (130, 200, 150)]):
        x = w * (0.12 + i * 0.1)
        d.ellipse([x - 16 * SS, h * 0.86 - 16 * SS, x + 16 * SS, h * 0.86 + 16 * SS], fill=color)
    for i in range(4):
        star_shape(d, w * (0.08 + i * 0.12), h * (0.32 + 0.06 * (i % 2)), 14 * SS, (255, 226, 120))
    for i in range(4):
        tree(d, w * (0.62 + i * 0.1), h * 0.8, h * 0.16, (80, 150, 90))
    return img


def scene_starry(w: int, h: int, rng: random.Random) -> Image.Image:
    img = Image.new("RGB", (w, h))
    d = ImageDraw.Draw(img)
    sky(d, w, h, (24, 32, 72), (96, 80, 140))
    stars(d, w, h, 140, rng, big=6)
    d.ellipse([w * 0.78, h * 0.1, w * 0.86, h * 0.1 + w * 0.08], fill=(250, 240, 200))
    d.ellipse([w * 0.8, h * 0.09, w * 0.88, h * 0.09 + w * 0.08], fill=mix((24, 32, 72), (96, 80, 140), 0.15))
    ridge(d, w, h, 0.78, 0.16, (46, 52, 92), rng)
    ridge(d, w, h, 0.92, 0.12, (34, 60, 70), rng)
    for wx in (0.2, 0.26, 0.55):
        d.rectangle([w * wx, h * 0.86, w * wx + 10 * SS, h * 0.86 + 8 * SS], fill=(255, 214, 120))
    return img


Scene = Callable[[int, int, random.Random], Image.Image]

# (story folder, file name, size, scene, seed)
PHOTOS: list[tuple[str, str, tuple[int, int], Scene, int]] = [
    ("stories/2022/2022-power-island-line-team", "cover.jpg", (1200, 800), scene_coast_power, 2201),
    ("stories/2022/2022-power-island-line-team", "photo2.jpg", (800, 600), scene_poles_close, 2202),
    ("stories/2022/2022-weather-huang-shuhan", "cover.png", (800, 600), scene_weather_station, 2203),
    ("stories/2023/2023-bus-luo-wanqing", "cover.webp", (1200, 800), scene_city_bus, 2301),
    ("stories/2023/2023-customs-jiang-yuzhou", "cover.jpg", (1200, 800), scene_harbour, 2302),
    (
        "stories/2023/2023-customs-jiang-yuzhou",
        "photo2.webp",
        (800, 600),
        lambda w, h, r: scene_harbour(w, h, r, evening=True),
        2303,
    ),
    ("stories/2024/2024-no1-he-lanxin", "cover.png", (800, 600), scene_school, 2401),
    ("stories/2024/2024-no1-he-lanxin", "photo2.jpg", (800, 600), scene_warm_home, 2402),
    ("stories/2024/2024-health-cai-axiu", "cover.jpg", (1200, 800), scene_village_path, 2403),
    ("stories/2025/2025-hpf-doorstep-team", "cover.webp", (1200, 800), scene_apartments, 2501),
    ("stories/2026/2026-hospital-star-class", "cover.jpg", (1200, 800), scene_kite_park, 2601),
    ("stories/2026/2026-hospital-star-class", "photo2.png", (800, 600), scene_starry, 2602),
]


def render(scene: Scene, size: tuple[int, int], seed: int) -> Image.Image:
    w, h = size
    big = scene(w * SS, h * SS, random.Random(seed))
    return big.resize(size, Image.Resampling.LANCZOS)


def save(img: Image.Image, path: Path) -> None:
    suffix = path.suffix.lower()
    if suffix in (".jpg", ".jpeg"):
        img.save(path, "JPEG", quality=86, optimize=True, progressive=True)
    elif suffix == ".png":
        # An adaptive palette keeps gradients smooth enough and the file small.
        img.quantize(colors=256, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE).save(
            path, "PNG", optimize=True
        )
    elif suffix == ".webp":
        img.save(path, "WEBP", quality=82, method=6)
    else:
        raise ValueError(f"unsupported photo format: {path}")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true", help="only list missing pictures")
    args = parser.parse_args(argv)

    missing = 0
    for folder, name, size, scene, seed in PHOTOS:
        path = ROOT / folder / name
        if args.check:
            if not path.is_file():
                print(f"missing: {path.relative_to(ROOT)}")
                missing += 1
            continue
        if not path.parent.is_dir():
            print(f"skip (no story folder): {path.relative_to(ROOT)}", file=sys.stderr)
            missing += 1
            continue
        save(render(scene, size, seed), path)
        nbytes = path.stat().st_size
        flag = "" if nbytes <= MAX_BYTES else "  (larger than 200 KB!)"
        print(f"{path.relative_to(ROOT)}  {size[0]}x{size[1]}  {nbytes // 1024} KB{flag}")
    return 1 if missing else 0


if __name__ == "__main__":
    sys.exit(main())
