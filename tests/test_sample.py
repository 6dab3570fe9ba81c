"""The embedded sample content: valid today, and shaped to show every state the site knows."""

from __future__ import annotations

import datetime as dt
from collections import Counter

import pytest

from honorroll.check.run import CheckResult, check_repository
from honorroll.config import effective_today
from honorroll.engine.project import load_project
from tests.conftest import ROOT


@pytest.fixture(scope="module")
def sample() -> CheckResult:
    project = load_project(ROOT / "mkdocs.yml")
    return check_repository(project.root, project.settings, effective_today(project.settings), use_cache=False)


def test_sample_has_no_errors(sample: CheckResult) -> None:
    assert sample.errors == []


def test_sample_pins_today(sample: CheckResult) -> None:
    assert sample.today == dt.date(2026, 11, 23)


def test_sample_shows_every_status(sample: CheckResult) -> None:
    statuses = Counter(s.status for s in sample.archive.stories)
    assert statuses["notice"] == 1 and statuses["withdrawn"] == 1
    assert 40 <= len(sample.archive.stories) <= 60


def test_sample_closed_years_meet_quotas_or_record_the_shortfall(sample: CheckResult) -> None:
    closed = [r for r in sample.quotas if r.year < 2026]
    assert {r.status for r in closed} <= {"met", "recorded"}
    assert sum(r.status == "recorded" for r in closed) == 1
    assert any(r.status == "open" for r in sample.quotas if r.year == 2026)


def test_sample_has_both_subject_types_photos_and_honors(sample: CheckResult) -> None:
    stories = sample.archive.stories
    assert {s.subject.type for s in stories if s.subject} == {"individual", "collective"}
    assert any(s.cover for s in stories) and any(s.honors for s in stories)
    assert len({s.category for s in stories}) >= 8
