"""`honorroll` speaks Chinese: help of every command and argparse's own usage and error messages."""

from __future__ import annotations

import argparse
import inspect
import re
import subprocess
import sys
import unicodedata

import pytest

from honorroll.cli.chinese_argparse import MESSAGES, ChineseArgumentParser, translate
from honorroll.cli.main import build_parser
from tests.sitebuild import build_env

# argparse's English that an editor must never see.
ENGLISH = re.compile(
    r"usage:|options:|positional arguments|show this help|error:|required|invalid|unrecognized|expected|choose from"
)


def honorroll(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "honorroll", *args], capture_output=True, text=True, env=build_env(), check=False
    )


def subcommands() -> list[str]:
    sub = next(a for a in build_parser()._actions if isinstance(a, argparse._SubParsersAction))
    return list(sub.choices)


@pytest.mark.parametrize("command", [[], *([name] for name in subcommands())])
def test_help_of_every_command_is_chinese(command: list[str]) -> None:
    result = honorroll(*command, "--help")
    assert result.returncode == 0 and result.stderr == ""
    assert result.stdout.startswith("用法：honorroll ")
    assert "选项：\n  -h, --help" in result.stdout and "显示本帮助并退出" in result.stdout
    assert not ENGLISH.search(result.stdout), result.stdout


def test_main_help_lists_the_commands_with_their_summaries() -> None:
    text = honorroll("-h").stdout
    commands = text.split("命令：\n", 1)[1].splitlines()
    assert [line.split()[0] for line in commands] == subcommands()
    assert all(len(line.split(maxsplit=1)) == 2 for line in commands)  # every command has its summary


@pytest.mark.parametrize(
    ("args", "message"),
    [
        ([], "honorroll：错误：缺少必须写的参数：命令"),
        (["chek"], "honorroll：错误：参数 命令：'chek' 不是可选的值，只能是 'check', 'report', 'new', 'schema', "),
        (["check", "--format", "xml"], "honorroll check：错误：参数 --format：'xml' 不是可选的值，只能是 'text', "),
        (["check", "--frobnicate"], "honorroll：错误：不认识的参数：--frobnicate"),
        (["report", "--year", "二〇二五"], "honorroll report：错误：参数 --year：'二〇二五' 不是有效的整数"),
        (["check", "--base"], "honorroll check：错误：参数 --base：后面要写一个值"),
        (["--today", "2025-13-01", "check"], "honorroll：错误：参数 --today：日期应为 YYYY-MM-DD：2025-13-01"),
    ],
)
def test_argument_errors_are_chinese(args: list[str], message: str) -> None:
    result = honorroll(*args)
    usage, error = result.stderr.splitlines()[0], result.stderr.splitlines()[-1]
    assert result.returncode == 2 and result.stdout == ""
    assert usage.startswith("用法：honorroll")
    assert error.startswith(message), error
    assert error.endswith("查看用法）") and "Traceback" not in result.stderr
    assert not ENGLISH.search(result.stderr), result.stderr


def test_every_translated_template_is_one_argparse_uses() -> None:
    """A Python whose argparse changed a message would show it in English: this names the template to update."""
    source = inspect.getsource(argparse)
    missing = [msgid for msgid in MESSAGES if repr(msgid) not in source and f'"{msgid}"' not in source]
    assert missing == []


def test_translate_fills_the_chinese_template_and_leaves_unknown_text() -> None:
    assert translate("argument --port: invalid int value: 'x'") == "参数 --port：'x' 不是有效的整数"
    assert translate("expected 2 arguments") == "后面要写 2 个值"
    assert translate("ambiguous option: --s could match --strict, --summary") == (
        "选项 --s 不明确，可能是 --strict, --summary"
    )
    assert translate("日期应为 YYYY-MM-DD：x") == "日期应为 YYYY-MM-DD：x"


def test_wide_metavars_keep_the_help_column_aligned() -> None:
    parser = ChineseArgumentParser(prog="t")
    parser.add_argument("--unit", metavar="单位编号", help="单位")
    parser.add_argument("--strict", action="store_true", help="严格")
    help_text = parser.format_help()
    unit = next(line for line in help_text.splitlines() if line.startswith("  --unit"))
    strict = next(line for line in help_text.splitlines() if line.startswith("  --strict"))

    def column(line: str, text: str) -> int:  # terminal columns before the help text
        return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in line[: line.rindex(text)])

    assert column(unit, "单位") == column(strict, "严格"), help_text
