"""YAML reading for editors' files: fast C loader, YAML 1.2 booleans, lazy line lookup.

Every mistake an editor can make here ends as a :class:`YamlSyntaxError` (fatal) or a
:class:`YamlNote` (reported, reading goes on) with a Chinese message that names the mistake:
a Tab or a full-width space in the indentation, a full-width colon after a key, a duplicate
key at any depth, an invisible control character, nesting deep enough to crash the parser.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import yaml

_BOOL_TAG = "tag:yaml.org,2002:bool"
MAX_DEPTH = 200
"""Nesting the C parser is allowed to see; it recurses on the C stack and crashes near 30,000."""


class ContentLoader(yaml.CSafeLoader):
    """Safe loader where only true/false are booleans.

    YAML 1.1 turns ``on``, ``no`` and ``yes`` into booleans; the contract uses ``on`` as a key
    (``withdrawn: {on: …}``) and editors write 是/否 words, so those stay strings.
    """

    duplicate_found = False

    def flatten_mapping(self, node: yaml.MappingNode) -> None:
        # "<<" copies another mapping's keys in, and silently loses whichever is written twice: a duplicate
        # key in disguise. Nothing in the content format needs it.
        for key_node, _value in node.value:
            if key_node.tag == "tag:yaml.org,2002:merge":
                raise yaml.constructor.ConstructorError(None, None, "merge key <<", key_node.start_mark)
        super().flatten_mapping(node)

    def construct_mapping(self, node: yaml.MappingNode, deep: bool = False) -> dict[Any, Any]:
        # Fewer keys than key nodes: two were equal (or a merge key overrode one). Only that is noted here;
        # where the duplicate is, is worked out later, for the rare file that has one.
        data: dict[Any, Any] = super().construct_mapping(node, deep)
        if len(data) != len(node.value):
            self.duplicate_found = True
        return data


ContentLoader.yaml_implicit_resolvers = {
    first: [(tag, rx) for tag, rx in resolvers if tag != _BOOL_TAG]
    for first, resolvers in yaml.CSafeLoader.yaml_implicit_resolvers.items()
}
ContentLoader.add_implicit_resolver(_BOOL_TAG, re.compile(r"^(?:true|True|TRUE|false|False|FALSE)$"), list("tTfF"))


def _construct_timestamp(loader: ContentLoader, node: yaml.ScalarNode) -> object:
    # An impossible date such as 2024-02-30 stays text, so the schema can name the field.
    try:
        return yaml.constructor.SafeConstructor.construct_yaml_timestamp(loader, node)
    except (ValueError, OverflowError):
        return loader.construct_scalar(node)


ContentLoader.add_constructor("tag:yaml.org,2002:timestamp", _construct_timestamp)


class YamlSyntaxError(Exception):
    """The text cannot be read at all; ``line`` is 1-based within the text."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


class TextDecodeError(Exception):
    """The bytes are not UTF-8; ``line`` is where the first bad byte is."""

    def __init__(self, message: str, line: int) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True, slots=True)
class YamlNote:
    """A mistake found while reading that does not stop the reading."""

    line: int
    """1-based within the text."""
    path: tuple[str | int, ...]
    message: str


def decode(raw: bytes) -> str:
    """UTF-8 text of a file (a leading byte-order mark dropped), or :class:`TextDecodeError` naming the line."""
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw.count(b"\n", 0, exc.start) + 1
        byte = raw[exc.start : exc.start + 1].hex().upper()
        raise TextDecodeError(
            f"文件不是 UTF-8 编码（第 {line} 行有无法识别的字节 0x{byte}，多半是用 GBK 等编码保存的）："
            "请在编辑器中另存为 UTF-8",
            line,
        ) from exc


def load(text: str) -> Any:
    """The data in ``text``; duplicate keys are not reported (see :func:`read`)."""
    return read(text)[0]


def read(text: str, first_line: int = 1) -> tuple[Any, list[YamlNote]]:
    """The data in ``text`` and the mistakes that did not stop reading it.

    Raises :class:`YamlSyntaxError` with a message that names the mistake and its fix. Lines,
    in both, count from ``first_line`` (where ``text`` starts in its file).
    """
    try:
        data, notes = _read(text, first_line)
    except YamlSyntaxError as exc:
        raise YamlSyntaxError(str(exc), first_line - 1 + exc.line) from exc.__cause__
    return data, [YamlNote(first_line - 1 + n.line, n.path, n.message) for n in notes]


_LONG_NUMBER = re.compile(r"\d{200,}")


def _check_numbers(text: str) -> None:
    """A number of thousands of digits is a paste gone wrong; Python would refuse it with an English message."""
    found = _LONG_NUMBER.search(text)
    if found is not None:
        raise YamlSyntaxError(
            f"这里有一个 {len(found.group())} 位的数字：年份、人次、观看量等都不会这么长，请检查是否误粘贴",
            text.count("\n", 0, found.start()) + 1,
        )


def _read(text: str, first_line: int) -> tuple[Any, list[YamlNote]]:
    _check_depth(text)
    _check_numbers(text)
    loader = ContentLoader(text)
    try:
        data = loader.get_single_data()
    except yaml.reader.ReaderError as exc:
        raise _reader_error(text, exc) from exc
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark is not None else 1
        raise _explain(text, line, exc) from exc
    except (yaml.YAMLError, ValueError, TypeError, OverflowError, RecursionError) as exc:
        raise YamlSyntaxError(f"YAML 格式错误（{exc}）：请检查缩进、冒号和引号", 1) from exc
    finally:
        loader.dispose()
    notes = [
        YamlNote(line, (), _full_width_colon_message(key)) for line, key in _full_width_colon_keys(text, len(text))
    ]
    if "\u3000" in text:  # a full-width space is text to YAML, so the key would silently become "　　start"
        slips = _indent_slips(text, len(text), _block_scalar_lines(text))
        notes += [YamlNote(line, (), message) for line, message in slips]
    if loader.duplicate_found:
        notes += duplicate_keys(text, first_line)
    return data, notes


class LineCounter:
    """1-based line numbers of increasing offsets in one pass over the text (not one count per offset)."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.offset = 0
        self.line = 1

    def at(self, offset: int) -> int:
        if offset < self.offset:
            self.offset, self.line = 0, 1
        self.line += self.text.count("\n", self.offset, offset)
        self.offset = offset
        return self.line


# --- naming the mistake ---------------------------------------------------------------------


def _explain(text: str, line: int, exc: yaml.MarkedYAMLError) -> YamlSyntaxError:
    """The parser's complaint, or the editor's actual slip when one is found at or before its line."""
    slip = first_slip(text, line)
    if slip is not None:
        return YamlSyntaxError(slip[1], slip[0])
    problem = (exc.problem or "").strip()
    hint = _yaml_hint(problem)
    if hint is not None:
        return YamlSyntaxError(f"YAML 格式错误（{problem}）：{hint}", line)
    return YamlSyntaxError(f"YAML 格式错误（{problem or exc}）：请检查这一行的缩进、冒号和引号", line)


def _yaml_hint(problem: str) -> str | None:
    hints = {
        "mapping values are not allowed": "冒号后的内容含有冒号时，请用引号把整个值括起来",
        "could not find expected ':'": "可能缺少冒号，或缩进不一致",
        "found undefined alias": "“*”开头的值会被当作引用，请用引号括起来",
        "found character that cannot start any token": "值以 @、` 或 % 等符号开头时，请用引号把整个值括起来",
        "merge key <<": "不支持合并键 <<（它会悄悄丢掉重复的字段）：请把每个字段直接写出来",
    }
    return next((hint for key, hint in hints.items() if key in problem), None)


def first_slip(text: str, line: int) -> tuple[int, str] | None:
    """(line, message) of the first Tab/full-width indentation or full-width colon at or before ``line``.

    A parser's complaint usually points just after the editor's slip, so that slip is named instead.
    """
    end = _offset_of_line(text, line + 1)
    slips = [(n, _full_width_colon_message(key)) for n, key in _full_width_colon_keys(text, end)]
    slips += _indent_slips(text, end)
    odd_break = _ODD_LINE_BREAK.search(text, 0, end)
    if odd_break is not None:  # YAML breaks the line there, so the parser's complaint makes no sense
        slips.append((text.count("\n", 0, odd_break.start()) + 1, _invisible_message(ord(odd_break.group()))))
    return min(slips) if slips else None


_ODD_LINE_BREAK = re.compile("[\x85\u2028\u2029]")


def _offset_of_line(text: str, line: int) -> int:
    offset = 0
    for _ in range(line - 1):
        offset = text.find("\n", offset) + 1
        if offset == 0:
            return len(text)
    return offset


_INDENT_SLIP = re.compile(r"^( *)([\t\u3000])", re.M)


def _indent_slips(text: str, end: int, skip: frozenset[int] | set[int] = frozenset()) -> list[tuple[int, str]]:
    found = []
    lines = LineCounter(text)
    for match in _INDENT_SLIP.finditer(text, 0, end):
        line = lines.at(match.start())
        if line in skip:
            continue
        found.append((line, _indent_message(match.group(2))))
        break  # the first one is what the editor needs to fix
    return found


def _indent_message(char: str) -> str:
    if char == "\t":
        return "这一行的缩进里有 Tab 字符：请用空格缩进，不要用 Tab（同一层的字段左边对齐）"
    return "这一行的缩进里有全角空格：请用半角空格缩进（切换到英文输入法再按空格）"


_FULL_WIDTH_KEY = re.compile(r"^[ \t]*(?:-[ \t]+)?([A-Za-z0-9_][A-Za-z0-9_.-]*)[ \t]*：", re.M)
_BLOCK_SCALAR = re.compile(r"(?::|^[ \t]*-|^)[ \t]*[|>][+-]?[1-9]?[ \t]*(?:#.*)?$")


def _full_width_colon_keys(text: str, end: int) -> list[tuple[int, str]]:
    """(line, key) of each ``key：`` written with a full-width colon, outside block scalars."""
    if "：" not in text:
        return []
    candidates = list(_FULL_WIDTH_KEY.finditer(text, 0, end))
    if not candidates:
        return []
    inside = _block_scalar_lines(text)
    found = []
    lines = LineCounter(text)
    for match in candidates:
        line = lines.at(match.start())
        if line not in inside:
            found.append((line, match.group(1)))
    return found


def _block_scalar_lines(text: str) -> set[int]:
    """Lines that are the content of ``|`` or ``>`` block scalars (text, not keys)."""
    inside: set[int] = set()
    block_indent: int | None = None
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        if block_indent is not None:
            if not stripped or indent > block_indent:
                inside.add(number)
                continue
            block_indent = None
        if _BLOCK_SCALAR.search(line):
            block_indent = indent
    return inside


def _full_width_colon_message(key: str) -> str:
    return (
        f"“{key}：”用了中文全角冒号“：”：字段名后面要用英文冒号加一个空格，写成“{key}: …”（切换到英文输入法再输入冒号）"
    )


def _reader_error(text: str, exc: yaml.reader.ReaderError) -> YamlSyntaxError:
    found = invisible_character(text)
    if found is None:
        return YamlSyntaxError(f"YAML 格式错误（{exc.reason}）：请检查文件中是否有不可见字符", 1)
    return YamlSyntaxError(found[1], found[0])


def invisible_character(text: str) -> tuple[int, str] | None:
    """(line, message) of the first character YAML refuses to read (control characters and the like)."""
    # libyaml reports a byte offset; finding the character again gives the line and the code point.
    match = yaml.reader.Reader.NON_PRINTABLE.search(text)
    if match is None:
        return None
    return text.count("\n", 0, match.start()) + 1, _invisible_message(ord(match.group()))


def _invisible_message(code: int) -> str:
    return (
        f"这一行有不可见的控制字符 U+{code:04X}：通常是从网页或文档复制时带进来的，请删除它"
        "（可在编辑器中打开“显示不可见字符”，或把这一行删掉重新输入）"
    )


_DEEP_INDENT = re.compile(rf"^ {{{MAX_DEPTH // 2}}}", re.M)


def _check_depth(text: str) -> None:
    """Refuses nesting deeper than :data:`MAX_DEPTH`, which no front matter needs.

    Cheap counts first: only a text with many brackets or dashes is looked at line by line.
    """
    marks = text.count("[") + text.count("{") + text.count("- ") + text.count("? ")
    # Indentation alone needs at least 1 + 2 + … + MAX_DEPTH/2 spaces to nest that deep.
    if marks <= MAX_DEPTH // 2 and (len(text) < MAX_DEPTH**2 // 8 or not _DEEP_INDENT.search(text)):
        return
    flow = 0
    for number, line in enumerate(text.split("\n"), start=1):
        stripped = line.lstrip(" ")
        indent = len(line) - len(stripped)
        openers = line.count("[") + line.count("{")
        # An upper bound: every level needs an indent step, an indicator on the line or an open bracket.
        depth = indent + flow + openers + stripped.count("- ") + stripped.count("? ") + stripped.count(": ")
        if depth > MAX_DEPTH:
            raise YamlSyntaxError(
                f"嵌套层数过多（超过 {MAX_DEPTH} 层）：front matter 和单位文件只需要几层缩进，"
                "请检查是否误粘贴了大量括号、短横线或空格",
                number,
            )
        flow = max(0, flow + openers - line.count("]") - line.count("}"))


# --- duplicate keys -------------------------------------------------------------------------


def duplicate_keys(text: str, first_line: int = 1) -> list[YamlNote]:
    """Every key written twice in the same mapping, at any depth: YAML would keep the last one silently.

    Lines of the notes count from 1; the message names the first one's line in the file.
    """
    try:
        root = _compose(text).root
    except yaml.YAMLError:
        return []
    notes = []
    stack: list[tuple[yaml.Node, tuple[str | int, ...]]] = [(root, ())] if root is not None else []
    seen_nodes: set[int] = set()
    while stack:
        node, path = stack.pop()
        if id(node) in seen_nodes:  # an alias points back at a node already walked
            continue
        seen_nodes.add(id(node))
        if isinstance(node, yaml.MappingNode):
            first: dict[str, int] = {}
            for key_node, value_node in node.value:
                key = str(key_node.value) if isinstance(key_node, yaml.ScalarNode) else None
                if key is None:
                    continue
                line = key_node.start_mark.line + 1
                if key in first:
                    message = _duplicate_message(_dotted((*path, key)), first_line - 1 + first[key])
                    notes.append(YamlNote(line, (*path, key), message))
                else:
                    first[key] = line
                stack.append((value_node, (*path, key)))
        elif isinstance(node, yaml.SequenceNode):
            stack.extend((item, (*path, index)) for index, item in enumerate(node.value))
    return sorted(notes, key=lambda note: note.line)


def _duplicate_message(field: str, first_line: int) -> str:
    return f"字段“{field}”重复出现（第一次在第 {first_line} 行）：只会保留最后一个，请删除多余的一个"


def _dotted(path: tuple[str | int, ...]) -> str:
    out = ""
    for step in path:
        out += f"[{step}]" if isinstance(step, int) else (f".{step}" if out else str(step))
    return out


# --- lines of fields ------------------------------------------------------------------------


class _Composed:
    """A composed document with a per-mapping key index, so many look-ups stay linear."""

    def __init__(self, root: yaml.Node | None) -> None:
        self.root = root
        self._keys: dict[int, dict[str, tuple[yaml.Node, yaml.Node]]] = {}

    def child(self, node: yaml.MappingNode, key: str) -> tuple[yaml.Node, yaml.Node] | None:
        index = self._keys.get(id(node))
        if index is None:
            index = {}
            for key_node, value_node in node.value:
                index.setdefault(str(key_node.value), (key_node, value_node))
            self._keys[id(node)] = index
        return index.get(key)


@lru_cache(maxsize=8)
def _compose(text: str) -> _Composed:
    _check_depth(text)
    return _Composed(yaml.compose(text, Loader=ContentLoader))


def line_of(text: str, path: tuple[str | int, ...], first_line: int = 1) -> int:
    """1-based line of the node at ``path`` in the YAML ``text`` (or of its nearest parent).

    Only called when there is something to report, so the slower node composition is paid
    for files with problems, not for every file (and once per file, however many problems).
    """
    try:
        composed = _compose(text)
    except (yaml.YAMLError, YamlSyntaxError):
        return first_line
    node = composed.root
    line = first_line
    for step in path:
        if isinstance(node, yaml.MappingNode):
            found = composed.child(node, str(step))
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
    match = _FRONT_MATTER_END.search(text, first_newline + 1)
    if match is None:
        return None, text, 1
    front = text[first_newline + 1 : match.start()]
    body_start = text.find("\n", match.end())
    body_start = len(text) if body_start == -1 else body_start + 1
    body_line = text.count("\n", 0, body_start) + 1
    return front, text[body_start:], body_line


_FRONT_MATTER_END = re.compile(r"^(?:---|\.\.\.)[ \t]*\r?$", re.M)
