"""A throwaway content repository per test, with one valid story to break on purpose."""

from __future__ import annotations

import copy
import datetime as dt
import io
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml

from honorroll.check.run import CheckResult, check_repository
from honorroll.diagnostics import Diagnostic
from honorroll.engine.project import load_project

ROOT = Path(__file__).resolve().parent.parent
TODAY = dt.date(2024, 6, 28)


def _small_jpeg() -> bytes:
    """A real 64×48 JPEG: photos are decoded, so a bare signature no longer passes."""
    from PIL import Image

    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 120, 40)).save(out, "JPEG")
    return out.getvalue()


JPEG = _small_jpeg()

VALID_STORY: dict[str, Any] = {
    "title": "深山邮路上的“不老松”",
    "subject": {"type": "individual", "name": "林某某", "position": "乡邮员"},
    "unit": "city-postal",
    "category": "敬业奉献",
    "summary": "三十年如一日跋涉在深山邮路上。",
    "eligibility": {
        "controversial": False,
        "criminal_record": False,
        "disciplinary_sanction": False,
        "checked_by": "市直机关文明办",
        "checked_on": dt.date(2024, 5, 8),
    },
    "process": {
        "nominated_on": dt.date(2024, 3, 1),
        "recommended_on": dt.date(2024, 4, 2),
        "approved_on": dt.date(2024, 5, 10),
        "notice": {"start": dt.date(2024, 5, 13), "end": dt.date(2024, 5, 17)},
    },
    "status": "published",
    "published_on": dt.date(2024, 5, 20),
}

UNITS = {
    "city-postal": {"name": "市邮政管理局", "kind": "direct"},
    "city-traffic": {"name": "市交通运输系统精神文明建设领导小组", "kind": "system"},
    "traffic-bus": {"name": "市公交集团", "kind": "member", "parent": "city-traffic"},
}


class ContentRepo:
    def __init__(self, root: Path) -> None:
        self.root = root
        (root / "stories").mkdir()
        (root / "units").mkdir()
        (root / "pages").mkdir()
        self.options: dict[str, Any] = {"start_year": 2024, "today": TODAY.isoformat()}
        for unit_id, data in UNITS.items():
            self.write_unit(unit_id, data)

    def write_config(self, **extra: Any) -> Path:
        config = {
            "site_name": "测试站点",
            "site_url": "https://rongyu.qingyu.example/",  # not the sample address: that one warns
            "docs_dir": "pages",
            "site_dir": "build",
            "theme": {"name": "material", "language": "zh", "font": False},
            "plugins": [{"honorroll": {**self.options, **extra}}],
        }
        path = self.root / "mkdocs.yml"
        path.write_text(yaml.safe_dump(config, allow_unicode=True), encoding="utf-8")
        return path

    def write_unit(self, unit_id: str, data: dict[str, Any]) -> Path:
        path = self.root / "units" / f"{unit_id}.yml"
        path.write_text(yaml.safe_dump(data, allow_unicode=True), encoding="utf-8")
        return path

    def write_story(
        self,
        story_id: str = "2024-lin-postman",
        year: int = 2024,
        changes: dict[str, Any] | None = None,
        body: str = "他一个人一条路，一走就是三十年。\n",
        bundle: bool = False,
        raw_front_matter: str | None = None,
    ) -> Path:
        data = copy.deepcopy(VALID_STORY)
        for dotted_key, value in (changes or {}).items():
            _set(data, dotted_key, value)
        front = (
            raw_front_matter
            if raw_front_matter is not None
            else yaml.safe_dump(data, allow_unicode=True, sort_keys=False)
        )
        folder = self.root / "stories" / str(year)
        path = folder / story_id / "index.md" if bundle else folder / f"{story_id}.md"
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(f"---\n{front}---\n\n{body}", encoding="utf-8")
        return path

    def check(self, today: dt.date = TODAY, base_ref: str | None = None, **extra: Any) -> CheckResult:
        project = load_project(self.write_config(**extra))
        return check_repository(self.root, project.settings, today, base_ref)


_DELETE = object()


def _set(data: dict[str, Any], dotted_key: str, value: Any) -> None:
    *parents, last = dotted_key.split(".")
    for key in parents:
        data = data.setdefault(key, {})
    if value is _DELETE:
        data.pop(last, None)
    else:
        data[last] = value


@pytest.fixture
def delete() -> object:
    return _DELETE


@pytest.fixture(autouse=True)
def tmp_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Each test gets its own user cache folder: caches never leak between tests or into the real home."""
    folder = tmp_path_factory.mktemp("xdg-cache")
    monkeypatch.setenv("XDG_CACHE_HOME", str(folder))
    monkeypatch.delenv("HONORROLL_CACHE_DIR", raising=False)
    return folder


@pytest.fixture
def repo(tmp_path: Path) -> Iterator[ContentRepo]:
    yield ContentRepo(tmp_path)


def errors(result: CheckResult, rule: str | None = None) -> list[Diagnostic]:
    return [d for d in result.errors if rule is None or d.rule == rule]


def warnings(result: CheckResult, rule: str | None = None) -> list[Diagnostic]:
    return [d for d in result.warnings if rule is None or d.rule == rule]


def requires(tool: str) -> pytest.MarkDecorator:
    """Skip where ``tool`` is missing on a developer's machine; in CI (``CI=true``) never skip: fail."""
    import os
    import shutil

    missing = shutil.which(tool) is None and os.environ.get("CI") != "true"
    return pytest.mark.skipif(missing, reason=f"needs {tool}")
