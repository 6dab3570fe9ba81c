"""Where content lives in a repository: the one place that knows the folder conventions.

- a story is ``<stories_dir>/<year>/<id>.md``, or ``<stories_dir>/<year>/<id>/index.md`` with its photos beside it;
- an activity is ``<activities_dir>/<year>/<id>.md`` or ``<activities_dir>/<year>/<id>/index.md``;
- a unit is ``<units_dir>/<id>.yml``.
"""

from __future__ import annotations

import re

YEAR_DIR = re.compile(r"^\d{4}$")
INDEX = "index.md"
"""The Markdown file of a folder story or activity."""
IGNORED_NAMES = frozenset({"README.md", ".DS_Store", "Thumbs.db", ".gitkeep"})
"""Files an editor or an operating system leaves in content folders; never content."""


def is_ignored(name: str) -> bool:
    return name in IGNORED_NAMES or name.startswith(".")


def story_path(stories_dir: str, year: int | str, story_id: str, *, folder: bool) -> str:
    """The story's Markdown file, relative to the repository, with forward slashes."""
    return f"{stories_dir}/{year}/{story_id}/{INDEX}" if folder else f"{stories_dir}/{year}/{story_id}.md"


def story_id_from_path(path: str, stories_dir: str, *, any_file_in_folder: bool = False) -> str | None:
    """The story ID of a repository path (forward slashes), or None when the path is no story's file.

    With ``any_file_in_folder``, a photo inside a story folder names its story too (for git history).
    """
    prefix = stories_dir.strip("/") + "/"
    if not path.startswith(prefix):
        return None
    parts = path[len(prefix) :].split("/")
    if len(parts) < 2 or not YEAR_DIR.match(parts[0]) or is_ignored(parts[1]):
        return None
    if len(parts) == 2:
        return parts[1][:-3] if parts[1].endswith(".md") else None
    if parts[2] == INDEX and len(parts) == 3:
        return parts[1]
    return parts[1] if any_file_in_folder else None
