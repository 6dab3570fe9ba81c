"""The package's folders are its architecture: these tests keep the boundaries that the README describes."""

from __future__ import annotations

import ast
from pathlib import Path

from honorroll import PACKAGE_DIR
from honorroll.content import layout

ENGINES = ("mkdocs", "material", "properdocs")
# The settings are declared with MkDocs' own typed config options (the design asks for that); everything
# else that touches the engine is in honorroll/engine/.
MAY_IMPORT_THE_ENGINE = {"config.py"}


def _engine_imports(path: Path) -> list[str]:
    found = []
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        names = [a.name for a in node.names] if isinstance(node, ast.Import) else []
        if isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names = [node.module]
        found += [f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} {n}" for n in names if n.split(".")[0] in ENGINES]
    return found


def test_only_the_engine_adapter_imports_mkdocs() -> None:
    outside = [
        hit
        for path in sorted(PACKAGE_DIR.rglob("*.py"))
        if path.relative_to(PACKAGE_DIR).parts[0] != "engine" and path.name not in MAY_IMPORT_THE_ENGINE
        for hit in _engine_imports(path)
    ]
    assert outside == []
    assert _engine_imports(PACKAGE_DIR / "engine" / "plugin.py"), "the check must see the adapter's own imports"


def test_content_model_and_rules_never_reach_up_into_pages_or_the_engine() -> None:
    """Data flows one way: files → model → rules → diagnostics; model → page data → templates → site."""
    above_rules = ("honorroll.check", "honorroll.site", "honorroll.engine", "honorroll.cli", "honorroll.book")
    found = []
    for folder, upward in (("content", ("honorroll.rules", *above_rules)), ("rules", above_rules)):
        for path in sorted((PACKAGE_DIR / folder).rglob("*.py")):
            for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
                if isinstance(node, ast.ImportFrom) and node.module and node.module.startswith(upward):
                    found.append(f"{path.relative_to(PACKAGE_DIR)}:{node.lineno} {node.module}")
    assert found == []


def test_the_layout_names_story_files_and_nothing_else() -> None:
    assert layout.story_id_from_path("stories/2024/a-b.md", "stories") == "a-b"
    assert layout.story_id_from_path("stories/2024/a-b/index.md", "stories") == "a-b"
    assert layout.story_path("stories", 2024, "a-b", folder=True) == "stories/2024/a-b/index.md"
    assert layout.story_path("gushi", 2024, "a-b", folder=False) == "gushi/2024/a-b.md"
    for path in ("stories/2024/a-b/photo.jpg", "stories/2024/README.md", "stories/misc/a-b.md", "units/a-b.md"):
        assert layout.story_id_from_path(path, "stories") is None, path
    assert layout.story_id_from_path("stories/2024/a-b/photo.jpg", "stories", any_file_in_folder=True) == "a-b"
    assert layout.story_id_from_path("gushi/2024/a-b.md", "gushi") == "a-b"
    assert layout.story_id_from_path("stories/2024/.hidden.md", "stories") is None
