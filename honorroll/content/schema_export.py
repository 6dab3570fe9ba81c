"""Writes the JSON Schema files editors' tools use, generated from :mod:`honorroll.content.schema`.

``schemas/story.schema.json``, ``unit.schema.json`` and ``activity.schema.json`` are never edited by hand:
``honorroll schema --out schemas/`` regenerates them, and a test fails when they are stale.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from honorroll.config import HonorRollConfig
from honorroll.content.schema import activity_schema, story_schema, to_json_schema, unit_schema

STORY_SCHEMA_FILE = "story.schema.json"
UNIT_SCHEMA_FILE = "unit.schema.json"
ACTIVITY_SCHEMA_FILE = "activity.schema.json"


def schema_documents(settings: HonorRollConfig) -> dict[str, dict[str, Any]]:
    """File name → JSON Schema document."""
    return {
        STORY_SCHEMA_FILE: to_json_schema(story_schema(settings), "光荣榜故事的 front matter"),
        UNIT_SCHEMA_FILE: to_json_schema(unit_schema(), "光荣榜单位文件 units/<编号>.yml"),
        ACTIVITY_SCHEMA_FILE: to_json_schema(
            activity_schema(settings), "光荣榜活动的 front matter（activities/<年度>/）"
        ),
    }


def render(document: dict[str, Any]) -> str:
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"


def stale_files(settings: HonorRollConfig, out_dir: Path) -> list[str]:
    """Names of schema files in ``out_dir`` that are missing or differ from the code."""
    stale = []
    for name, document in schema_documents(settings).items():
        path = out_dir / name
        if not path.is_file() or path.read_text(encoding="utf-8") != render(document):
            stale.append(name)
    return stale


def write_schemas(settings: HonorRollConfig, out_dir: Path) -> list[Path]:
    """Writes every schema file whose content changed; returns the paths written."""
    out_dir.mkdir(parents=True, exist_ok=True)
    written = []
    for name in stale_files(settings, out_dir):
        path = out_dir / name
        path.write_text(render(schema_documents(settings)[name]), encoding="utf-8", newline="\n")
        written.append(path)
    return written
