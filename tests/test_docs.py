"""The editors' guide explains every rule the code has, and its message table is current."""

from __future__ import annotations

import importlib.util
import sys
from types import ModuleType

from honorroll.cli.main import build_parser
from honorroll.rules.registry import RULES
from tests.conftest import ROOT


def _rule_catalog() -> ModuleType:
    """The developer tool that writes the guide's table (scripts/ is not a package)."""
    spec = importlib.util.spec_from_file_location("rule_catalog", ROOT / "scripts" / "rule_catalog.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # its dataclass looks itself up there
    spec.loader.exec_module(module)
    return module


rule_catalog = _rule_catalog()
GUIDE = rule_catalog.GUIDE
catalog, render_table, rule_ids = rule_catalog.catalog, rule_catalog.render_table, rule_catalog.rule_ids

EXPECTED_RULES = {
    "schema", "yaml", "front-matter", "layout", "encoding", "id", "unit", "year", "eligibility", "process",
    "notice-length", "status", "photo", "privacy", "safety", "honors", "published-id", "quota",
}  # fmt: skip


def test_catalog_finds_every_rule_and_each_has_an_explanation() -> None:
    messages = catalog()
    assert set(rule_ids(messages)) >= EXPECTED_RULES
    assert set(rule_ids(messages)) <= set(RULES), "add the new rule id to RULES in honorroll/rules/registry.py"
    assert any(m.text == "必填字段“…”（…）没有填写内容" for m in messages)
    assert all(len([m for m in messages if m.rule == rule]) >= 1 for rule in EXPECTED_RULES)


def test_guide_message_table_is_up_to_date() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    assert render_table(catalog()) in text, "run `python scripts/rule_catalog.py --write` and commit the guide"


def test_guide_covers_the_commands_and_tasks() -> None:
    text = GUIDE.read_text(encoding="utf-8")
    parser = build_parser()
    sub = next(a for a in parser._actions if a.dest == "command")
    for command in ("new", "check", "report"):
        assert command in sub.choices and f"honorroll {command}" in text
    for option in ("--unit", "--title", "--subject-name", "--subject-type", "--year", "--bundle"):
        assert option in text
    for words in ("mkdocs serve", "git config core.hooksPath hooks", "honorroll-check", "withdrawn", "替代文字"):
        assert words in text


def test_adopting_ci_covers_every_platform() -> None:
    text = (ROOT / "docs" / "adopting-ci.md").read_text(encoding="utf-8")
    for platform in ("GitHub", "Gitea", "GitLab", "Gitee"):
        assert platform in text
    for name in (".github/workflows/site.yml", ".gitlab-ci.yml", "fetch-depth: 0", "GIT_DEPTH"):
        assert name in text
