from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from pathlib import Path

from honorroll.config import HonorRollConfig
from honorroll.content import yamlio
from honorroll.content.model import Story
from honorroll.diagnostics import Diagnostic, Severity


@dataclass(frozen=True, slots=True)
class CheckContext:
    root: Path
    settings: HonorRollConfig
    today: dt.date


def at_field(severity: Severity, rule: str, story: Story, path: tuple[str | int, ...], message: str) -> Diagnostic:
    """A diagnostic pointing at the line of a front-matter field."""
    line = yamlio.line_of(story.front_matter, path, story.front_matter_line)
    field = ".".join(str(p) if not isinstance(p, int) else f"[{p}]" for p in path).replace(".[", "[")
    return Diagnostic(severity, rule, story.file, line, field, message)
