"""Hugo baseline: build a generated archive's stories with a minimal Hugo site.

The Hugo project lives in a temporary folder: hugo.toml and layouts come from
scripts/bench/hugo/, content/ is a symlink to the archive's stories/ (folder stories
are Hugo leaf bundles) and data/units/ a symlink to its units/ for unit names.

    python scripts/bench/hugo_build.py --content /tmp/archive --out /tmp/archive-hugo [--force]
"""

from __future__ import annotations

import argparse
import os
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

SITE_DIR = Path(__file__).resolve().parent / "hugo"


def prepare_project(archive: Path, project: Path) -> None:
    """Lay out a Hugo project in ``project`` that reads the archive in place."""
    archive = archive.resolve()
    for needed in ("stories", "units"):
        if not (archive / needed).is_dir():
            raise FileNotFoundError(f"{archive / needed} is missing; is this a generated archive?")
    shutil.copy(SITE_DIR / "hugo.toml", project / "hugo.toml")
    (project / "layouts").symlink_to(SITE_DIR / "layouts", target_is_directory=True)
    (project / "content").symlink_to(archive / "stories", target_is_directory=True)
    (project / "data").mkdir()
    (project / "data" / "units").symlink_to(archive / "units", target_is_directory=True)


def clear_output(out: Path, force: bool) -> None:
    """Hugo never deletes stale pages, so start from an empty folder."""
    if out.exists() and any(out.iterdir()):
        if not force:
            raise FileExistsError(f"{out} is not empty; pass --force to replace it")
        shutil.rmtree(out)


def hugo_command(project: Path, out: Path) -> list[str]:
    return [
        "hugo",
        "--quiet",
        "--source",
        str(project),
        "--destination",
        str(out.resolve()),
        "--cacheDir",
        str(project / "cache"),  # keeps runs independent of ~/.cache
        "--buildFuture",  # the archive is pinned to 2026; do not depend on the clock
    ]


def build(archive: Path, out: Path, force: bool = False) -> float:
    """Run Hugo over the archive into ``out``; returns the wall time of the hugo process."""
    clear_output(out, force)
    with tempfile.TemporaryDirectory(prefix="hugo-bench-") as tmp:
        project = Path(tmp)
        prepare_project(archive, project)
        env = {**os.environ, "HUGO_ENVIRONMENT": "production"}
        started = time.perf_counter()
        subprocess.run(hugo_command(project, out), check=True, env=env)
        return time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--content", type=Path, required=True, help="archive made by generate_archive.py")
    parser.add_argument("--out", type=Path, required=True, help="folder for the built site")
    parser.add_argument("--force", action="store_true", help="empty --out first if it holds files")
    args = parser.parse_args(argv)
    try:
        seconds = build(args.content, args.out, args.force)
    except (FileNotFoundError, FileExistsError) as exc:
        parser.exit(2, f"error: {exc}\n")
    except subprocess.CalledProcessError as exc:
        parser.exit(1, f"error: hugo exited with status {exc.returncode}\n")
    pages = sum(1 for _ in args.out.rglob("*.html"))
    print(f"hugo built {args.out} in {seconds:.2f} s ({pages} HTML files)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
