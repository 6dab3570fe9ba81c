"""argparse in Chinese: usage, section titles, ``-h`` and every parse error of the command line.

argparse keeps its English strings behind gettext; rather than change a process-wide translation
(pytest and other tools use argparse too), this parser translates its own output: the usage prefix
in the formatter, the section titles and ``-h`` in the constructor, and error messages by matching
them against argparse's message templates (its gettext msgids, so a new Python that keeps the
msgids keeps the translation; one that changes a template falls back to English, not to a crash).
"""

from __future__ import annotations

import argparse
import re
import sys
import unicodedata
from collections.abc import Iterable
from typing import Any, NoReturn

# argparse msgid → Chinese, with the same placeholders. ``message`` placeholders are translated again.
MESSAGES: dict[str, str] = {
    "argument %(argument_name)s: %(message)s": "参数 %(argument_name)s：%(message)s",
    "the following arguments are required: %s": "缺少必须写的参数：%s",
    "unrecognized arguments: %s": "不认识的参数：%s",
    "invalid choice: %(value)r (choose from %(choices)s)": "%(value)r 不是可选的值，只能是 %(choices)s 之一",
    "invalid %(type)s value: %(value)r": "%(value)r 不是有效的%(type)s",
    "expected one argument": "后面要写一个值",
    "expected at most one argument": "后面最多写一个值",
    "expected at least one argument": "后面至少要写一个值",
    "expected %s argument": "后面要写 %s 个值",
    "expected %s arguments": "后面要写 %s 个值",
    "ambiguous option: %(option)s could match %(matches)s": "选项 %(option)s 不明确，可能是 %(matches)s",
    "not allowed with argument %s": "不能和参数 %s 同时使用",
    "ignored explicit argument %r": "不接受值 %r",
    "one of the arguments %s is required": "参数 %s 中必须写一个",
    "unexpected option string: %s": "意外的选项：%s",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "没有命令 %(parser_name)r（可用的命令：%(choices)s）",
    "can't open '%(filename)s': %(error)s": "无法打开“%(filename)s”：%(error)s",
}
TYPE_NAMES = {"int": "整数", "float": "数字"}
_PLACEHOLDER = re.compile(r"%(?:\((\w+)\))?[sr]")


def _pattern(msgid: str) -> re.Pattern[str]:
    parts: list[str] = []
    position = 0
    for index, match in enumerate(_PLACEHOLDER.finditer(msgid)):
        parts.append(re.escape(msgid[position : match.start()]))
        parts.append(f"(?P<{match.group(1) or f'arg{index}'}>.+?)")
        position = match.end()
    parts.append(re.escape(msgid[position:]))
    return re.compile("".join(parts), re.DOTALL)


_PATTERNS = [(_pattern(msgid), text) for msgid, text in MESSAGES.items()]


def translate(message: str) -> str:
    """argparse's English message in Chinese; a message it does not know is returned unchanged."""
    for pattern, text in _PATTERNS:
        match = pattern.fullmatch(message)
        if match is None:
            continue
        values = dict(match.groupdict())
        if "message" in values:
            values["message"] = translate(values["message"])
        if "type" in values:
            values["type"] = TYPE_NAMES.get(values["type"], values["type"])
        return _fill(text, values)
    return message


def _fill(text: str, values: dict[str, str]) -> str:
    positional = iter(v for k, v in values.items() if k.startswith("arg"))
    return _PLACEHOLDER.sub(lambda m: values[m.group(1)] if m.group(1) else next(positional), text)


def _wide(text: str) -> int:
    """How many characters take two columns in a terminal."""
    return sum(1 for ch in text if unicodedata.east_asian_width(ch) in "WF")


class ChineseHelpFormatter(argparse.HelpFormatter):
    """Chinese usage prefix; help columns aligned for wide (CJK) metavars; sub-commands listed without a header."""

    def add_usage(
        self,
        usage: str | None,
        actions: Iterable[argparse.Action],
        groups: Iterable[argparse._MutuallyExclusiveGroup],
        prefix: str | None = None,
    ) -> None:
        super().add_usage(usage, actions, groups, "用法：" if prefix is None else prefix)

    def add_argument(self, action: argparse.Action) -> None:
        super().add_argument(action)
        if action.help is not argparse.SUPPRESS:  # the help column starts after the widest invocation
            invocation = self._format_action_invocation(action)
            width = self._current_indent + len(invocation) + _wide(invocation)
            self._action_max_length = max(self._action_max_length, width)

    def _format_action(self, action: argparse.Action) -> str:
        if isinstance(action, argparse._SubParsersAction):
            return "".join(self._format_action(sub) for sub in action._get_subactions())
        text = super()._format_action(action)
        invocation = " " * self._current_indent + self._format_action_invocation(action)
        wide = _wide(invocation)
        first, newline, rest = text.partition("\n")
        if not wide or not first.startswith(invocation) or len(first) == len(invocation):
            return text
        help_at = len(first) - len(first[len(invocation) :].lstrip(" "))
        gap = help_at - len(invocation) - wide  # argparse counted each wide character as one column
        head = invocation + (" " * gap if gap >= 2 else "\n" + " " * help_at)
        return head + first[help_at:] + newline + rest


class ChineseArgumentParser(argparse.ArgumentParser):
    """An ArgumentParser whose help and errors are Chinese; sub-commands inherit it."""

    def __init__(self, prog: str | None = None, *, add_help: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("formatter_class", ChineseHelpFormatter)
        super().__init__(prog, add_help=False, **kwargs)
        self._positionals.title = "位置参数"
        self._optionals.title = "选项"
        if add_help:
            self.add_argument("-h", "--help", action="help", default=argparse.SUPPRESS, help="显示本帮助并退出")

    def format_help(self) -> str:
        text = super().format_help()
        for group in self._action_groups:  # argparse ends a section title with an ASCII colon
            if group.title:
                text = text.replace(f"\n{group.title}:\n", f"\n{group.title}：\n")
        return text

    def error(self, message: str) -> NoReturn:
        self.print_usage(sys.stderr)
        self.exit(2, f"{self.prog}：错误：{translate(message)}（用 {self.prog} -h 查看用法）\n")
