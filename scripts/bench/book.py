"""Book benchmark: the annual book of the whole sample and of a generated archive, with time and size.

    python scripts/bench/book.py [--stories 1000] [--work /tmp/honorroll-book-bench] [--size A5]

Target (issue 12): a book of 1,000 generated stories in under a minute on the 2-core machine.
The check that runs before every book is included in the total; the phases show where the time goes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import io
import os
import resource
import shutil
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
sys.path[:0] = [str(ROOT), str(Path(__file__).resolve().parent)]

import generate_archive  # noqa: E402

from honorroll.book.annual import BookOptions, build_book  # noqa: E402
from honorroll.book.commands import load_print_context  # noqa: E402
from honorroll.config import effective_today  # noqa: E402
from honorroll.engine.project import load_project  # noqa: E402

TARGET_SECONDS = 60.0


def copy_sample(dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    dest.mkdir(parents=True)
    shutil.copy(ROOT / "mkdocs.yml", dest / "mkdocs.yml")
    for folder in ("pages", "stories", "units", "book"):
        shutil.copytree(ROOT / folder, dest / folder)
    return dest


def cpu_seconds() -> float:
    own = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return own.ru_utime + own.ru_stime + children.ru_utime + children.ru_stime


def measure(name: str, archive: Path, size: str) -> dict[str, str]:
    project = load_project(archive / "mkdocs.yml")
    started, cpu = time.perf_counter(), cpu_seconds()
    ctx = load_print_context(project, effective_today(project.settings))
    checked = time.perf_counter() - started
    made = build_book(ctx, BookOptions(size=size), archive / f"book-{size.lower()}.pdf")
    total = time.perf_counter() - started
    phases = ", ".join(f"{k} {v:.1f} s" for k, v in made.phases.items())
    return {
        "archive": name,
        "stories": f"{made.stories:,}",
        "pages": f"{made.pages:,}",
        "size": f"{made.bytes / 1024 / 1024:.1f} MB",
        "time": f"{total:.1f} s",
        "cpu": f"{cpu_seconds() - cpu:.1f} s",
        "workers": str(made.workers),
        "phases": f"check {checked:.1f} s, {phases}",
    }


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--stories", type=int, default=1000)
    parser.add_argument("--work", type=Path, default=Path("/tmp/honorroll-book-bench"))
    parser.add_argument("--size", choices=["A5", "A4"], default="A5")
    args = parser.parse_args(argv)
    args.work.mkdir(parents=True, exist_ok=True)
    rows = [measure("sample", copy_sample(args.work / "sample"), args.size)]
    generated = args.work / f"generated-{args.stories}"
    with io.StringIO() as quiet:
        stdout, sys.stdout = sys.stdout, quiet
        try:
            generate_archive.generate(args.stories, generated, force=True)
        finally:
            sys.stdout = stdout
    rows.append(measure(f"generated {args.stories:,}", generated, args.size))
    columns = list(rows[0])
    load = ", ".join(f"{v:.1f}" for v in os.getloadavg())
    print(f"book benchmark, {dt.date.today()}, paper {args.size}, {os.cpu_count()} cores, load average now {load}")
    print("(wall time depends on what else runs; cpu is the work itself, spread over the workers)")
    print("| " + " | ".join(columns) + " |")
    print("|" + "---|" * len(columns))
    for row in rows:
        print("| " + " | ".join(row[c] for c in columns) + " |")
    big = float(rows[-1]["time"].split()[0])
    verdict = "met" if big < TARGET_SECONDS else "NOT met"
    print(f"target: {args.stories:,} stories in under {TARGET_SECONDS:.0f} s: {verdict} ({big:.1f} s)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
