"""The README's set-up on a stock machine, and the CI image's set-up script.

Runs the scripts as a newcomer would: a fresh copy of the checkout, only Debian's own
/usr/bin/python3 on PATH, no virtual environment active. Debian's python3 refuses
`pip install` outside a virtual environment (PEP 668), so the scripts must make one.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

from tests.conftest import ROOT

DEBIAN_PYTHON = Path("/usr/bin/python3")
STOCK_PATH = "/usr/sbin:/usr/bin:/sbin:/bin"


def _as_root(*command: str) -> list[str]:
    return list(command) if os.geteuid() == 0 else ["sudo", "-n", *command]


def _ensure_debian_python() -> None:
    """This test needs Debian's python3 and its venv module: installs them when missing."""
    probe = [str(DEBIAN_PYTHON), "-c", "import ensurepip, venv"]
    if DEBIAN_PYTHON.exists() and subprocess.run(probe, capture_output=True, check=False).returncode == 0:
        return
    subprocess.run(_as_root("apt-get", "update", "-qq"), check=True)
    subprocess.run(
        _as_root("env", "DEBIAN_FRONTEND=noninteractive", "apt-get", "install", "-y", "-qq", "python3", "python3-venv"),
        check=True,
        stdout=subprocess.DEVNULL,
    )


def _stock_env(**extra: str) -> dict[str, str]:
    """A login shell's environment on a stock Debian machine; the machine's pip settings
    (index, certificates, proxy) are kept, since they say how to reach the package registry."""
    keep = ("HOME", "USER", "LANG", "LC_ALL", "TERM", "CI")
    env = {k: v for k, v in os.environ.items() if k in keep or k.startswith("PIP_") or k.lower().endswith("_proxy")}
    env["PATH"] = STOCK_PATH
    env["NO_MKDOCS_2_WARNING"] = "1"
    env.update(extra)
    return env


def _fresh_clone(dest: Path) -> Path:
    """The checkout as a fresh clone has it (committed or not), without .venv, build/ or caches."""
    listed = subprocess.run(
        ["git", "ls-files", "-z", "--cached", "--others", "--exclude-standard"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        check=True,
    ).stdout.split("\0")
    for name in listed:
        source = ROOT / name
        if name and source.is_file():
            target = dest / name
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, target)
    return dest


def _run(command: list[str], cwd: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(command, cwd=cwd, env=env, capture_output=True, text=True, check=False)


def _explain(result: subprocess.CompletedProcess[str]) -> str:
    return f"exit {result.returncode}\n--- stdout\n{result.stdout[-3000:]}\n--- stderr\n{result.stderr[-3000:]}"


def test_build_sample_on_debians_own_python_makes_and_uses_the_project_venv(tmp_path: Path) -> None:
    _ensure_debian_python()
    clone = _fresh_clone(tmp_path / "clone")
    first = _run(["bash", "scripts/build-sample"], clone, _stock_env())
    assert first.returncode == 0, _explain(first)
    assert (clone / "build" / "index.html").is_file()
    assert "home = /usr/bin\n" in (clone / ".venv" / "pyvenv.cfg").read_text(encoding="utf-8")
    assert "已用 /usr/bin/python3" in first.stdout and "source .venv/bin/activate" in first.stdout

    # What the README tells a user to run next works from that environment, as documented.
    readme_commands = "source .venv/bin/activate && honorroll check && honorroll report --format csv && mkdocs build"
    used = _run(["bash", "-c", readme_commands], clone, _stock_env())
    assert used.returncode == 0, _explain(used)
    assert "检查通过" in used.stdout

    again = _run(["bash", "scripts/build-sample"], clone, _stock_env())
    assert again.returncode == 0, _explain(again)
    assert "使用项目的虚拟环境 .venv" in again.stdout and "已用" not in again.stdout
    assert "这次跳过安装" in again.stdout  # nothing changed: no pip run

    # A newcomer with a virtual environment of their own active keeps it: no .venv is made.
    theirs = clone / ".venv"
    other = _fresh_clone(tmp_path / "other")
    active = _stock_env(VIRTUAL_ENV=str(theirs), PATH=f"{theirs}/bin:{STOCK_PATH}")
    kept = _run(["bash", "scripts/build-sample"], other, active)
    assert kept.returncode == 0, _explain(kept)
    assert f"使用已激活的虚拟环境：{theirs}" in kept.stdout
    assert not (other / ".venv").exists() and (other / "build" / "index.html").is_file()


def _fake_python(bin_dir: Path, prelude: str) -> None:
    """A python3 that runs Debian's, with ``prelude`` run before every ``-c`` snippet."""
    bin_dir.mkdir(parents=True, exist_ok=True)
    script = bin_dir / "python3"
    script.write_text(
        "#!/bin/sh\n"
        'if [ "$1" = "-c" ]; then code="$2"; shift 2\n'
        f'  exec {DEBIAN_PYTHON} -c "{prelude}\n$code" "$@"\n'
        "fi\n"
        f'exec {DEBIAN_PYTHON} "$@"\n',
        encoding="utf-8",
    )
    script.chmod(0o755)


def _scripts_only(dest: Path) -> Path:
    shutil.copytree(ROOT / "scripts", dest / "scripts", ignore=shutil.ignore_patterns("bench", "*.py"))
    return dest


def test_too_old_a_python_is_named_in_chinese_before_anything_is_made(tmp_path: Path) -> None:
    _ensure_debian_python()
    _fake_python(tmp_path / "bin", "import sys; sys.version_info = (3, 9, 2, 'final', 0)")
    repo = _scripts_only(tmp_path / "repo")
    result = _run(["bash", "scripts/build-sample"], repo, _stock_env(PATH=f"{tmp_path / 'bin'}:{STOCK_PATH}"))
    assert result.returncode == 1
    assert "需要 Python 3.11 或更新的版本" in result.stderr and "3.9.2" in result.stderr
    assert not (repo / ".venv").exists()


def test_a_missing_venv_module_is_installed_with_apt_or_named(tmp_path: Path) -> None:
    _ensure_debian_python()
    bin_dir = tmp_path / "bin"
    _fake_python(bin_dir, "import sys; sys.modules['ensurepip'] = None")  # as without python3-venv
    log = tmp_path / "apt.log"
    for tool, body in (("apt-get", f'echo "$*" >> {log}'), ("sudo", 'exec "$@"')):
        (bin_dir / tool).write_text(f"#!/bin/sh\n{body}\n", encoding="utf-8")
        (bin_dir / tool).chmod(0o755)
    repo = _scripts_only(tmp_path / "repo")
    result = _run(["bash", "scripts/build-sample"], repo, _stock_env(PATH=f"{bin_dir}:{STOCK_PATH}"))
    assert "install -y -qq --no-install-recommends python3-venv" in log.read_text(encoding="utf-8")
    # The fake apt-get installed nothing, so the script stops and says what to install, in one sentence.
    assert result.returncode == 1
    assert result.stderr.strip().splitlines()[-1] == (
        "创建虚拟环境需要 Python 的 venv 模块：请先安装 python3-venv（sudo apt-get install python3-venv），"
        "再重新运行 scripts/build-sample。"
    )
    assert not (repo / ".venv" / "bin" / "pip").exists()


def test_the_ci_image_set_up_script_on_debians_python(tmp_path: Path) -> None:
    """No container engine runs here, so the Dockerfile's one step is run on this machine instead."""
    _ensure_debian_python()
    project = _fresh_clone(tmp_path / "project")
    venv = tmp_path / "venv"
    command = ["bash", str(ROOT / "scripts" / "install-system-deps"), "--venv", str(venv), "--project", str(project)]
    result = _run(command, tmp_path, _stock_env())
    assert result.returncode == 0, _explain(result)
    assert "home = /usr/bin\n" in (venv / "pyvenv.cfg").read_text(encoding="utf-8")
    # The image's PATH: the environment first. Its tools and fonts are there, and it checks the sample.
    image_env = _stock_env(PATH=f"{venv}/bin:{STOCK_PATH}", VIRTUAL_ENV=str(venv))
    tools = "for t in chromium zbarimg pdftoppm node git rsync ssh honorroll mkdocs; do command -v $t >/dev/null || echo $t; done"
    missing = _run(["bash", "-c", tools], tmp_path, image_env)
    assert missing.stdout == "", missing.stdout
    fonts = _run(["fc-list", ":lang=zh"], tmp_path, image_env)
    assert "Noto Sans CJK" in fonts.stdout
    pango = _run(
        [str(venv / "bin" / "python"), "-c", "import ctypes.util as u; print(u.find_library('pangoft2-1.0'))"],
        tmp_path,
        image_env,
    )
    assert "pangoft2" in pango.stdout
    checked = _run(["honorroll", "check"], project, image_env)
    assert checked.returncode == 0, _explain(checked)
    assert "honorroll" in result.stdout and "已在" in result.stdout


def test_the_dockerfile_runs_the_tested_script_and_the_ci_examples_use_the_image() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    assert dockerfile.startswith("#") and "\nFROM debian:" in dockerfile
    assert "scripts/install-system-deps --venv /opt/honorroll/venv" in dockerfile
    assert "PATH=/opt/honorroll/venv/bin:" in dockerfile
    ignored = {line for line in (ROOT / ".dockerignore").read_text(encoding="utf-8").splitlines() if line[:1] != "#"}
    assert {".venv", "build", ".cache", ".git"} <= ignored
    for example in (ROOT / ".gitlab-ci.yml", ROOT / ".gitea" / "workflows" / "site.yml"):
        assert "HONORROLL_IMAGE" in example.read_text(encoding="utf-8"), example


def test_the_gitea_workflow_runs_in_the_image_with_real_commands() -> None:
    from mkdocs.__main__ import cli as mkdocs_cli

    from honorroll.cli.main import build_parser
    from tests.test_workflows import _commands, _github_runs, _load

    workflow = _load(ROOT / ".gitea" / "workflows" / "site.yml")
    jobs = workflow["jobs"].values()
    assert all(job["container"]["image"] == "${{ vars.HONORROLL_IMAGE }}" for job in jobs)
    uses = {step["uses"] for job in jobs for step in job["steps"] if "uses" in step}
    assert uses == {"actions/checkout@v4", "actions/upload-artifact@v3"}  # v4 needs a recent Gitea
    ours = [words for run in _github_runs(workflow) for words in _commands(run) if words[0] in ("honorroll", "mkdocs")]
    assert {words[0] for words in ours} == {"honorroll", "mkdocs"}
    for words in ours:
        if words[0] == "honorroll":
            assert build_parser().parse_args(words[1:]).command == "check", words
        else:
            assert words[1] == "build", words
            mkdocs_cli.commands["build"].make_context("build", words[2:])
