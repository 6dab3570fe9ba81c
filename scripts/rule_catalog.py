"""Developer tool: the editors' guide's table of every rule and every message the checker can produce.

The table in docs/editors-guide.md is generated, so it cannot fall behind the code:

    python scripts/rule_catalog.py            # print the table
    python scripts/rule_catalog.py --write    # rewrite it in the guide

tests/test_docs.py fails when the guide is stale or when a rule id has no entry in the rule
registry (honorroll/rules/registry.py). Messages are read from the package's source with
:mod:`ast`; the parts filled in at run time are shown as “…”.
"""

from __future__ import annotations

import argparse
import ast
import sys
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))  # describe this checkout's package, whatever is installed

from honorroll.rules.registry import RULES  # noqa: E402

PACKAGE = ROOT / "honorroll"
GUIDE = ROOT / "docs" / "editors-guide.md"
BEGIN = "<!-- 错误信息表：以下由 python scripts/rule_catalog.py --write 生成，请勿手改 -->"
END = "<!-- 错误信息表结束 -->"

# Call name → (index of the rule id argument or a fixed rule id, index of the message argument).
_CALLS: dict[str, tuple[int | str, int]] = {
    "error": (0, 4),
    "warning": (0, 4),
    "make": (0, 4),
    "at_field": (1, 4),
    "Diagnostic": (1, 5),
    "Issue": ("schema", 1),
    "YamlSyntaxError": ("yaml", 0),
    "TextDecodeError": ("encoding", 0),
    "PhotoError": ("photo", 0),
    "Violation": ("safety", 0),
}
# Helpers that build a message for a rule: every string they return or yield belongs to it.
_HELPERS = {
    "_photo_problems": "photo",
    "photo_file_problems": "photo",
    "privacy_message": "privacy",
    "_file_name_message": "privacy",
    "_unknown_key_message": "schema",
    "_duplicate_message": "schema",
    "_yaml_hint": "yaml",
    "_indent_message": "yaml",
    "_invisible_message": "yaml",
    "_full_width_colon_message": "yaml",
    "link_refusal": "safety",
    "image_refusal": "safety",
    "_activity_photo_problems": "photo",
}
_SKIP_FILES = {"newstory.py", "diagnostics.py"}


@dataclass(frozen=True, order=True)
class Message:
    rule: str
    text: str


def _render(node: ast.expr) -> Iterator[str]:
    """The literal text of a message expression, with run-time parts as “…”."""
    if isinstance(node, ast.Constant) and isinstance(node.value, str):
        yield node.value
    elif isinstance(node, ast.JoinedStr):
        parts = []
        for value in node.values:
            if isinstance(value, ast.Constant):
                parts.append(str(value.value))
            elif not parts or parts[-1] != "…":
                parts.append("…")
        yield "".join(parts)
    elif isinstance(node, ast.IfExp):
        yield from _render(node.body)
        yield from _render(node.orelse)
    elif isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
        for left in _render(node.left):
            for right in _render(node.right):
                yield left + right


def _call_name(node: ast.Call) -> str | None:
    if isinstance(node.func, ast.Name):
        return node.func.id
    if isinstance(node.func, ast.Attribute):
        return node.func.attr
    return None


def _is_message(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text) and text.strip("…") != ""


def messages_in(source: str) -> set[Message]:
    found: set[Message] = set()
    tree = ast.parse(source)
    for node in ast.walk(tree):
        if isinstance(node, ast.Call):
            spec = _CALLS.get(_call_name(node) or "")
            if spec is None:
                continue
            rule_at, message_at = spec
            if isinstance(rule_at, str):
                rule = rule_at
            elif len(node.args) > rule_at and isinstance(node.args[rule_at], ast.Constant):
                rule = str(node.args[rule_at].value)  # type: ignore[attr-defined]
            else:
                continue
            if len(node.args) > message_at:
                found.update(Message(rule, t) for t in _render(node.args[message_at]) if _is_message(t))
        elif isinstance(node, ast.FunctionDef) and node.name in _HELPERS:
            for inner in ast.walk(node):
                value = inner.value if isinstance(inner, (ast.Return, ast.Yield)) else None
                if isinstance(inner, ast.Dict):
                    for item in inner.values:
                        found.update(Message(_HELPERS[node.name], t) for t in _render(item) if _is_message(t))
                if value is not None:
                    found.update(Message(_HELPERS[node.name], t) for t in _render(value) if _is_message(t))
    return found


def catalog(package: Path = PACKAGE) -> list[Message]:
    """Every (rule, message) in the package's source, sorted by rule then text."""
    found: set[Message] = set()
    for path in sorted(package.rglob("*.py")):
        if path.name in _SKIP_FILES:
            continue
        found |= messages_in(path.read_text(encoding="utf-8"))
    return sorted(found, key=lambda m: (list(RULES).index(m.rule) if m.rule in RULES else len(RULES), m.text))


def rule_ids(messages: Sequence[Message]) -> list[str]:
    return sorted({m.rule for m in messages})


def render_table(messages: Sequence[Message]) -> str:
    def esc(text: str) -> str:
        for raw, safe in (("\\", "\\\\"), ("|", "\\|"), ("*", "\\*"), ("<", "&lt;"), (">", "&gt;"), ("\n", " ")):
            text = text.replace(raw, safe)
        return text

    lines = [BEGIN, "", "| 规则 | 检查什么 | 怎么改 |", "|---|---|---|"]
    used = [r for r in RULES if any(m.rule == r for m in messages)]
    for rule in used:
        what, fix = RULES[rule]
        lines.append(f"| `{rule}` | {esc(what)} | {esc(fix)} |")
    lines += ["", "下面是每条规则的全部提示原文（“…”处是运行时填入的字段名、日期、文件名等）。", ""]
    for rule in used:
        lines += [f"#### `{rule}`：{RULES[rule][0]}", ""]
        lines += [f"- {esc(m.text)}" for m in messages if m.rule == rule]
        lines.append("")
    lines.append(END)
    return "\n".join(lines)


def updated_guide(text: str, messages: Sequence[Message]) -> str:
    start, end = text.index(BEGIN), text.index(END) + len(END)
    return text[:start] + render_table(messages) + text[end:]


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description="生成编辑指南中的错误信息表")
    parser.add_argument("--write", action="store_true", help=f"更新 {GUIDE}")
    args = parser.parse_args(argv)
    messages = catalog()
    if not args.write:
        sys.stdout.write(render_table(messages) + "\n")
        return 0
    text = GUIDE.read_text(encoding="utf-8")
    GUIDE.write_text(updated_guide(text, messages), encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
