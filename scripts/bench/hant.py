"""Cost of the Traditional Chinese edition: a cold full build with it and without it, and the pass alone.

    python scripts/bench/generate_archive.py --stories 5000 --out /tmp/h5k
    python scripts/bench/hant.py /tmp/h5k [--rounds 2]

Each build starts from an empty cache (``HONORROLL_CACHE_DIR`` in a temporary folder). Prints
wall-clock and CPU seconds (children included): on a shared machine CPU is the steadier figure.
"""

from __future__ import annotations

import argparse
import os
import re
import resource
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def build(archive: Path, config: Path) -> tuple[float, float]:
    with tempfile.TemporaryDirectory() as cache:
        env = dict(os.environ, HONORROLL_CACHE_DIR=cache, NO_MKDOCS_2_WARNING="1")
        env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(ROOT), env.get("PYTHONPATH")]))
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        start = time.perf_counter()
        done = subprocess.run(
            [sys.executable, "-m", "mkdocs", "build", "-q", "-f", str(config)], cwd=archive, env=env, check=False
        )
        wall = time.perf_counter() - start
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if done.returncode:
        raise SystemExit(f"构建失败：{config}")
    return wall, after.ru_utime + after.ru_stime - before.ru_utime - before.ru_stime


def main() -> None:
    parser = argparse.ArgumentParser(description="繁体中文版的构建开销")
    parser.add_argument("archive", type=Path, help="generate_archive.py 生成的内容仓库")
    parser.add_argument("--rounds", type=int, default=1, help="每种构建的次数（取最小值）")
    args = parser.parse_args()
    archive: Path = args.archive.resolve()
    config = archive / "mkdocs.yml"
    text = config.read_text(encoding="utf-8")
    off = archive / "mkdocs-nohant.yml"
    off.write_text(re.sub(r"(?m)^  - honorroll:$", "  - honorroll:\n      traditional_prefix: false", text), "utf-8")
    results: dict[str, tuple[float, float]] = {}
    for name, cfg in (("without", off), ("with", config)):
        runs = [build(archive, cfg) for _ in range(args.rounds)]
        results[name] = (min(w for w, _ in runs), min(c for _, c in runs))
        print(f"{name:8} edition: wall {results[name][0]:6.1f} s   cpu {results[name][1]:6.1f} s")
    site = archive / "build"
    pages = sum(1 for _ in (site / "zh-hant").rglob("*.html"))
    (w0, c0), (w1, c1) = results["without"], results["with"]
    print(f"pages per edition: {pages}")
    print(f"edition adds: wall {100 * (w1 - w0) / w0:+.0f} %   cpu {100 * (c1 - c0) / c0:+.0f} %")
    print(f"per page: wall {1000 * (w1 - w0) / pages:.2f} ms   cpu {1000 * (c1 - c0) / pages:.2f} ms")

    from honorroll.site import hant  # the pass alone, on the site just built

    shutil.rmtree(site / "zh-hant")
    start = time.perf_counter()
    hant.write_edition(site, hant.Edition("zh-hant", "s2t", "https://example.org/"))
    print(f"the pass alone: {time.perf_counter() - start:.1f} s wall")


if __name__ == "__main__":
    main()
