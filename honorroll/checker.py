"""The whole check of a content repository: read, apply every rule, collect every problem."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from pathlib import Path

from .config import HonorRollConfig
from .diagnostics import Diagnostic, sort_key
from .loader import load_units, read_story, scan_stories
from .model import Archive
from .published_ids import check_published_ids
from .quota import QuotaRow, quota_rows
from .rules.archive import check_quotas, check_story_units, check_unique_ids, check_units
from .rules.context import CheckContext
from .rules.story import check_story
from .schema import story_schema


@dataclass(slots=True)
class CheckResult:
    archive: Archive
    today: dt.date
    quotas: list[QuotaRow]
    diagnostics: list[Diagnostic] = field(default_factory=list)

    @property
    def errors(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if d.is_error]

    @property
    def warnings(self) -> list[Diagnostic]:
        return [d for d in self.diagnostics if not d.is_error]

    @property
    def ok(self) -> bool:
        return not self.errors


def check_repository(root: Path, settings: HonorRollConfig, today: dt.date, base_ref: str | None = None) -> CheckResult:
    ctx = CheckContext(root, settings, today)
    diagnostics: list[Diagnostic] = []
    units, unit_diagnostics = load_units(root, settings.units_dir)
    diagnostics += unit_diagnostics
    scan = scan_stories(root, settings.stories_dir)
    diagnostics += scan.diagnostics
    archive = Archive(str(root), units)
    schema = story_schema(settings)
    for source in scan.stories:
        story, story_diagnostics = read_story(root, source, schema)
        diagnostics += story_diagnostics
        if story is not None:
            archive.stories.append(story)
            diagnostics += check_story(story, ctx)
    diagnostics += check_unique_ids(archive)
    diagnostics += check_units(archive)
    diagnostics += check_story_units(archive, ctx)
    rows = quota_rows(archive, settings, today)
    diagnostics += check_quotas(archive, rows, ctx)
    if base_ref:
        diagnostics += check_published_ids(root, settings.stories_dir, base_ref, {s.id for s in archive.stories})
    diagnostics.sort(key=sort_key)
    return CheckResult(archive, today, rows, diagnostics)
