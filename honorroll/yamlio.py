"""YAML reading for editors' files: fast C loader, YAML 1.2 booleans, lazy line lookup."""

from __future__ import annotations

import re
from typing import Any

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"


class ContentLoader(yaml.CSafeLoader):
    """Safe loader where only true/false are booleans.

    YAML 1.1 turns ``on``, ``no`` and ``yes`` into booleans; the contract uses ``on`` as a key
    (``withdrawn: {on: …}``) and editors write 是/否 words, so those stay strings.
    """


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_timestamp(loader: ContentLoader, node: yaml.ScalarNode) -> object:
    # An impossible date such as 2024-02-30 stays text, so the schema can name the field.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except ValueError:
        return loader.construct_scalar(node)


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class YamlSyntaxError(Exception):
    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


def load(text: str) -> Any:
    try:
        return yaml.load(text, Loader=ContentLoader)
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise YamlSyntaxError(_describe_yaml_error(exc), line) from exc
    except (yaml.YAMLError, ValueError, TypeError) as exc:
        raise YamlSyntaxError(f"YAML 格式错误：{exc}", 1) from exc


def _describe_yaml_error(exc: yaml.MarkedYAMLError) -> str:
    problem = (exc.problem or "").strip()
    hints = {
        "mapping values are not allowed": "冒号后的内容含有冒号时，请用引号把整个值括起来",
        "could not find expected ':'": "可能缺少冒号，或缩进不一致",
        "found character '\\t' that cannot start any token": "请用空格缩进，不要用 Tab",
        "found undefined alias": "“*”开头的值会被当作引用，请用引号括起来",
    }
    for key, hint in hints.items():
        if key in problem:
            return f"YAML 格式错误（{problem}）：{hint}"
    return f"YAML 格式错误（{problem or exc}）：请检查这一行的缩进、冒号和引号"


def line_of(text: str, path: tuple[str | int, ...], first_line: int = 1) -> int:
    """1-based line of the node at ``path`` in the YAML ``text`` (or of its nearest parent).

    Only called when there is something to report, so the slower node composition is paid
    for files with problems, not for every file.
    """
    try:
        node = yaml.compose(text, Loader=ContentLoader)
    except yaml.YAMLError:
        return first_line
    line = first_line
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = None
            for key_node, value_node in node.value:
                if str(key_node.value) == str(step):
                    found = (key_node, value_node)
                    break
            if found is None:
                return line
            line = first_line + found[0].start_mark.line
            node = found[1]
        elif isinstance(node, yaml.SequenceNode) and isinstance(step, int) and step < len(node.value):
            node = node.value[step]
            line = first_line + node.start_mark.line
        else:
            return line
    return line


def split_front_matter(text: str) -> tuple[str | None, str, int]:
    """Returns (front matter, body, 1-based line where the body starts).

    Front matter is the block between a first line ``---`` and the next ``---`` (or ``...``).
    """
    if not text.startswith("---"):
        return None, text, 1
    first_newline = text.find("\n")
    if first_newline == -1 or text[:first_newline].rstrip() != "---":
        return None, text, 1
    match = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M).search(text, first_newline + 1)
    if match is None:
        return None, text, 1
    front = text[first_newline + 1 : match.start()]
    body_start = text.find("\n", match.end())
    body_start = len(text) if body_start == -1 else body_start + 1
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line
