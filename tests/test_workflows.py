"""The CI files parse, use only real actions, and run commands that exist."""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
import yaml
from mkdocs.__main__ import cli as mkdocs_cli

from honorroll.cli.main import build_parser
from tests.conftest import ROOT

GITHUB_WORKFLOWS = sorted((ROOT / ".github" / "workflows").glob("*.yml"))
CI_FILES = [*GITHUB_WORKFLOWS, ROOT / ".gitlab-ci.yml", ROOT / ".pre-commit-hooks.yaml"]
ALLOWED_ACTIONS = {
    "actions/checkout@v4",
    "actions/setup-python@v5",
    "actions/upload-pages-artifact@v3",
    "actions/deploy-pages@v4",
    "actions/upload-artifact@v4",
    "actions/cache@v4",
}
GITLAB_KEYWORDS = {"workflow", "variables", "default", "stages", "include", "image", "cache", "before_script"}


def _load(path: Path) -> Any:
    return yaml.safe_load(path.read_text(encoding="utf-8"))


def _on(workflow: dict[Any, Any]) -> dict[str, Any]:
    # YAML 1.1 reads the key `on` as the boolean true.
    trigger = workflow.get("on", workflow.get(True))
    assert isinstance(trigger, dict)
    return trigger


def _github_runs(workflow: dict[str, Any]) -> Iterator[str]:
    for job in workflow["jobs"].values():
        for step in job.get("steps", []):
            if "run" in step:
                yield step["run"]


def _gitlab_runs(config: dict[str, Any]) -> Iterator[str]:
    yield from config.get("default", {}).get("before_script", [])
    for name, job in config.items():
        if name in GITLAB_KEYWORDS or not isinstance(job, dict):
            continue
        for key in ("before_script", "script", "after_script"):
            yield from job.get(key, [])


def _commands(script: str) -> Iterator[list[str]]:
    """Each simple command of a shell snippet: split at ||, &&, ;, | and without redirections."""
    for line in script.splitlines():
        lexer = shlex.shlex(line, posix=True, punctuation_chars=True)
        lexer.whitespace_split = True
        lexer.commenters = "#"
        words: list[str] = []
        skip = False
        for token in lexer:
            if skip:
                skip = False
            elif token in ("||", "&&", ";", "|", "&"):
                if words:
                    yield words
                words = []
            elif token in (">", ">>", "<", "2>", ">&"):
                skip = True
            else:
                words.append(token)
        if words:
            yield words


def all_commands() -> list[tuple[str, list[str]]]:
    found = []
    for path in GITHUB_WORKFLOWS:
        found += [(path.name, c) for run in _github_runs(_load(path)) for c in _commands(run)]
    found += [(".gitlab-ci.yml", c) for run in _gitlab_runs(_load(ROOT / ".gitlab-ci.yml")) for c in _commands(run)]
    hook = (ROOT / "hooks" / "pre-commit").read_text(encoding="utf-8")
    found += [("hooks/pre-commit", c) for c in _commands(hook)]
    for hook_def in _load(ROOT / ".pre-commit-hooks.yaml"):
        found.append((".pre-commit-hooks.yaml", shlex.split(hook_def["entry"])))
    return found


@pytest.mark.parametrize("path", CI_FILES, ids=lambda p: p.name)
def test_ci_files_parse(path: Path) -> None:
    assert _load(path)


def test_every_action_is_a_real_action_at_a_real_major_version() -> None:
    used = set()
    for path in GITHUB_WORKFLOWS:
        for job in _load(path)["jobs"].values():
            used.update(step["uses"] for step in job.get("steps", []) if "uses" in step)
    assert used and used <= ALLOWED_ACTIONS, used - ALLOWED_ACTIONS


def test_the_commands_exist() -> None:
    commands = all_commands()
    ours = [
        (where, c)
        for where, c in commands
        if c[0] in ("honorroll", "mkdocs") or c[:3] == ["python3", "-m", "honorroll"]
    ]
    assert ("hooks/pre-commit", ["honorroll", "check"]) in ours
    assert {c[0] for _, c in ours} >= {"honorroll", "mkdocs"}
    for where, words in ours:
        if words[0] == "python3":
            words = words[2:]
        if words[0] == "honorroll":
            args = build_parser().parse_args(words[1:])  # exits (fails the test) on an unknown option
            assert args.command in ("check", "report", "schema", "book"), (where, words)
        else:
            assert words[1] == "build", (where, words)
            mkdocs_cli.commands["build"].make_context("build", words[2:])
    checks = [" ".join(c) for where, c in ours if c[:2] == ["honorroll", "check"]]
    assert any("--format junit" in c for c in checks) and any("--format codequality" in c for c in checks)
    assert any("--summary $GITHUB_STEP_SUMMARY" in c for c in checks)
    books = {where for where, c in ours if c[:2] == ["honorroll", "book"]}
    assert books == {"site.yml", ".gitlab-ci.yml"}, "the CI examples build the book as an artefact"


def test_pull_requests_fetch_full_history_and_the_schedule_runs_after_midnight_in_shanghai() -> None:
    workflow = _load(ROOT / ".github" / "workflows" / "site.yml")
    trigger = _on(workflow)
    assert {"pull_request", "push", "schedule"} <= trigger.keys()
    checkout = workflow["jobs"]["check"]["steps"][0]
    assert checkout["uses"] == "actions/checkout@v4" and checkout["with"]["fetch-depth"] == 0
    for entry in trigger["schedule"]:
        _minute, hour, *rest = entry["cron"].split()
        assert rest == ["*", "*", "*"] and 0 <= (int(hour) + 8) % 24 <= 2, entry
    deploy = workflow["jobs"]["deploy"]
    assert deploy["permissions"] == {"pages": "write", "id-token": "write"}
    gitlab = _load(ROOT / ".gitlab-ci.yml")
    assert str(gitlab["variables"]["GIT_DEPTH"]) == "0"
    assert set(gitlab["check"]["artifacts"]["reports"]) == {"junit", "codequality"}
    assert gitlab["pages"]["artifacts"]["paths"] == ["public"]
    assert any("schedule" in rule["if"] for rule in gitlab["daily-check"]["rules"])


def test_pre_commit_hook_definition() -> None:
    (hook,) = _load(ROOT / ".pre-commit-hooks.yaml")
    assert hook["id"] == "honorroll-check" and hook["language"] == "python" and hook["pass_filenames"] is False
    pattern = re.compile(hook["files"])
    assert pattern.search("stories/2024/x.md") and pattern.search("units/a.yml") and pattern.search("mkdocs.yml")
    assert not pattern.search("pages/about.md")
    assert (ROOT / "hooks" / "pre-commit").stat().st_mode & 0o111


def test_ci_keeps_the_build_cache_and_the_last_site_between_runs() -> None:
    """A pull request's build reuses every unchanged story: the cache folder and build/ must both come back."""
    workflow = _load(ROOT / ".github" / "workflows" / "site.yml")
    cache_dir = workflow["env"]["HONORROLL_CACHE_DIR"].replace("${{ github.workspace }}/", "")
    for job in ("check", "build"):
        steps = workflow["jobs"][job]["steps"]
        cached = [s for s in steps if str(s.get("uses", "")).startswith("actions/cache@")]
        assert len(cached) == 1, job
        assert set(cached[0]["with"]["path"].split()) == {cache_dir, "build/"}
        names = [s.get("name") or s.get("uses") for s in steps]
        first_build = next(i for i, s in enumerate(steps) if "mkdocs build" in str(s.get("run", "")))
        assert names.index(cached[0]["name"]) < first_build, job
    gitlab = _load(ROOT / ".gitlab-ci.yml")
    paths = {p for entry in gitlab["default"]["cache"] for p in entry["paths"]}
    assert gitlab["variables"]["HONORROLL_CACHE_DIR"].replace("$CI_PROJECT_DIR/", "") in paths
    assert {"build/", "public/"} <= paths
