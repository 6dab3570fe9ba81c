"""The site's own Markdown pages (``docs_dir``, ``pages/`` in the sample): readable as UTF-8.

MkDocs ends in a traceback on a page it cannot decode; reading each page first turns that
into a Chinese error naming the file and line.
"""

from __future__ import annotations

import os
from pathlib import Path

from ..diagnostics import Diagnostic
from ..loader import read_text


def check_page_files(root: Path, docs_dir: str | os.PathLike[str]) -> list[Diagnostic]:
    base = Path(root, docs_dir)
    if not base.is_dir():
        return []
    diagnostics: list[Diagnostic] = []
    for folder, dirs, files in os.walk(base):  # symlinked folders are not followed
        dirs.sort()
        for name in sorted(files):
            path = Path(folder, name)
            if not name.endswith(".md") or path.is_symlink():
                continue
            _text, problems = read_text(root, path.relative_to(root).as_posix())
            diagnostics += problems
    return diagnostics
