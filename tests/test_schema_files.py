"""The committed JSON Schema files are generated from honorroll/content/schema.py and up to date."""

from __future__ import annotations

import io
import json
from pathlib import Path

from honorroll.cli.main import main
from honorroll.content.schema_export import schema_documents, stale_files
from honorroll.engine.project import load_project
from tests.conftest import ROOT, ContentRepo


def test_committed_schemas_match_the_code() -> None:
    project = load_project(ROOT / "mkdocs.yml")
    assert stale_files(project.settings, ROOT / "schemas") == [], (
        "schemas/ is out of date: run `honorroll schema --out schemas/` and commit the result"
    )


def test_editor_settings_point_at_the_unit_schema() -> None:
    settings = json.loads((ROOT / ".vscode" / "settings.json").read_text(encoding="utf-8"))
    mapping = settings["yaml.schemas"]
    assert (ROOT / mapping_key(mapping, "units/*.yml")).is_file()


def mapping_key(mapping: dict[str, object], pattern: str) -> str:
    for schema, globs in mapping.items():
        if pattern in (globs if isinstance(globs, list) else [globs]):
            return schema.removeprefix("./")
    raise AssertionError(f"no schema mapped to {pattern}")


def test_schema_command_writes_then_reports_up_to_date(repo: ContentRepo, tmp_path: Path) -> None:
    config = repo.write_config()
    out_dir = tmp_path / "out"
    out = io.StringIO()
    assert main(["-f", str(config), "schema", "--out", str(out_dir), "--check"], out=out) == 1
    assert main(["-f", str(config), "schema", "--out", str(out_dir)], out=out) == 0
    assert main(["-f", str(config), "schema", "--out", str(out_dir), "--check"], out=out) == 0
    story = json.loads((out_dir / "story.schema.json").read_text(encoding="utf-8"))
    assert story == schema_documents(load_project(config).settings)["story.schema.json"]
    assert "category" in story["required"] and story["additionalProperties"] is False
