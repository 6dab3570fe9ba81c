# shellcheck shell=bash
# Sourced by scripts/build-sample, scripts/test and scripts/install-system-deps (bash).
#
# Finds Python 3.11+ and a virtual environment to install the project into: the one already
# active, or else the project's own .venv, created here with `python3 -m venv`. The system
# Python of Debian, Ubuntu, Fedora or Homebrew refuses `pip install` outside one (PEP 668).
# After `hr_use_venv DIR`, HR_PY is the environment's python and its bin/ leads PATH.

HR_MIN_PYTHON=(3 11)

hr_say() { printf '%s\n' "$*"; }
hr_fail() { printf '%s\n' "$*" >&2; exit 1; }

# Runs a command as root: directly when root, else through sudo; fails when neither is possible.
hr_as_root() {
  if [ "$(id -u)" -eq 0 ]; then
    "$@"
  elif command -v sudo >/dev/null 2>&1; then
    sudo "$@"
  else
    return 1
  fi
}

# Installs Debian packages with apt-get, quietly (errors still shown); fails when apt-get is missing or fails.
hr_apt_install() {
  command -v apt-get >/dev/null 2>&1 || return 1
  hr_say "正在用 apt-get 安装：$*"
  hr_as_root apt-get update -qq || return 1
  hr_as_root env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends "$@" >/dev/null
}

# Quiet pip: nothing on success, errors still shown.
hr_pip_install() {
  "$HR_PY" -m pip install --quiet --quiet --disable-pip-version-check --no-input "$@"
}

# Installs this checkout, editable, with the extras in $1 ("" or "[test]"), unless that was done
# already for this checkout and this pyproject.toml and honorroll still imports from here: a
# no-op `pip install` still costs seconds (it fetches setuptools for the build).
hr_install_project() {
  local extras="$1" stamp digest key
  stamp="$(dirname "$(dirname "$HR_PY")")/.honorroll-installed"
  digest=$("$HR_PY" -c 'import hashlib; print(hashlib.sha256(open("pyproject.toml", "rb").read()).hexdigest())')
  key="$PWD .$extras $digest"
  # The test extras include everything the plain install has.
  if [ -f "$stamp" ] && { grep -qxF "$key" "$stamp" || grep -qxF "$PWD .[test] $digest" "$stamp"; } &&
    "$HR_PY" -c 'import os, sys, honorroll; sys.exit(not honorroll.__file__.startswith(os.getcwd() + os.sep))' 2>/dev/null; then
    hr_say "本项目已装在这个环境中（pip install -e \".$extras\"），pyproject.toml 没有变化，这次跳过安装。"
    return 0
  fi
  hr_pip_install -e ".$extras"
  printf '%s\n' "$key" >> "$stamp"
  hr_say "已安装本项目及其依赖（pip install -e \".$extras\"）。"
}

# Prints the active virtual (or conda) environment's python, if there is one.
hr_active_env_python() {
  if [ -n "${VIRTUAL_ENV:-}" ] && [ -x "$VIRTUAL_ENV/bin/python" ]; then
    printf '%s\n' "$VIRTUAL_ENV/bin/python"
  elif [ -n "${CONDA_PREFIX:-}" ] && [ "${CONDA_DEFAULT_ENV:-base}" != "base" ] && [ -x "$CONDA_PREFIX/bin/python" ]; then
    printf '%s\n' "$CONDA_PREFIX/bin/python"
  fi
}

# Stops with a Chinese message unless python $1 runs and is 3.11+; sets HR_VERSION.
hr_check_version() {
  HR_VERSION=$("$1" -c 'import sys; print("%d.%d.%d" % sys.version_info[:3])' 2>/dev/null) ||
    hr_fail "无法运行 $1：请检查 Python 是否安装完整。"
  if ! "$1" -c "import sys; sys.exit(sys.version_info[:2] < (${HR_MIN_PYTHON[0]}, ${HR_MIN_PYTHON[1]}))" 2>/dev/null; then
    hr_fail "需要 Python ${HR_MIN_PYTHON[0]}.${HR_MIN_PYTHON[1]} 或更新的版本，而 $1 是 ${HR_VERSION}：请安装新版 Python（或换用新版 Python 建的虚拟环境），也可用环境变量 PYTHON 指定，如 PYTHON=python3.12 $0"
  fi
}

# Sets HR_BASE_PY to a Python 3.11+ (from $PYTHON, else python3 on PATH) or stops with a Chinese message.
hr_find_python() {
  local candidate="${PYTHON:-python3}"
  if ! command -v "$candidate" >/dev/null 2>&1; then
    hr_fail "找不到 ${candidate}：请先安装 Python ${HR_MIN_PYTHON[0]}.${HR_MIN_PYTHON[1]} 或更新的版本（Debian/Ubuntu：sudo apt-get install python3 python3-venv），再重新运行 $0。"
  fi
  HR_BASE_PY=$(command -v "$candidate")
  hr_check_version "$HR_BASE_PY"
}

# Makes sure HR_BASE_PY can create virtual environments; on Debian/Ubuntu installs the venv package.
hr_ensure_venv_module() {
  "$HR_BASE_PY" -c 'import ensurepip, venv' >/dev/null 2>&1 && return 0
  local minor package="python3-venv"
  minor=$("$HR_BASE_PY" -c 'import sys; print("%d.%d" % sys.version_info[:2])')
  # A Python other than the distribution's default has its own package, e.g. python3.12-venv.
  if [ "$(/usr/bin/python3 -c 'import sys; print("%d.%d" % sys.version_info[:2])' 2>/dev/null)" != "$minor" ]; then
    package="python${minor}-venv"
  fi
  if hr_apt_install "$package" && "$HR_BASE_PY" -c 'import ensurepip, venv' >/dev/null 2>&1; then
    return 0
  fi
  hr_fail "创建虚拟环境需要 Python 的 venv 模块：请先安装 ${package}（sudo apt-get install ${package}），再重新运行 $0。"
}

# Points HR_PY, PATH and VIRTUAL_ENV at the environment in DIR.
hr_use_venv() {
  export VIRTUAL_ENV="$1"
  export PATH="$1/bin:$PATH"
  HR_PY="$1/bin/python"
  unset PYTHONHOME
}

# True when DIR holds a working environment of Python 3.11+ with pip (one left half-made, say
# before python3-venv was installed, or made by an old Python, is not).
hr_venv_works() {
  [ -x "$1/bin/python" ] && "$1/bin/python" -c 'import pip' >/dev/null 2>&1 &&
    "$1/bin/python" -c "import sys; sys.exit(sys.version_info[:2] < (${HR_MIN_PYTHON[0]}, ${HR_MIN_PYTHON[1]}))" 2>/dev/null
}

# Creates DIR as a virtual environment of a Python 3.11+ found on PATH (or $PYTHON).
hr_make_venv() {
  hr_find_python
  hr_ensure_venv_module
  "$HR_BASE_PY" -m venv --clear "$1" || hr_fail "无法在 $1 创建虚拟环境：请查看上面的错误信息。"
}

# The active environment if there is one, else the project's .venv (created when missing).
# Says which one it uses.
hr_setup_python() {
  local active
  active=$(hr_active_env_python)
  if [ -n "$active" ]; then
    hr_check_version "$active"
    HR_PY="$active"
    hr_say "使用已激活的虚拟环境：$(dirname "$(dirname "$active")")（Python ${HR_VERSION}）"
  elif hr_venv_works "$PWD/.venv"; then
    hr_use_venv "$PWD/.venv"
    hr_check_version "$HR_PY"
    hr_say "使用项目的虚拟环境 .venv（Python ${HR_VERSION}）"
  else
    hr_make_venv "$PWD/.venv"
    hr_use_venv "$PWD/.venv"
    hr_say "已用 ${HR_BASE_PY}（Python ${HR_VERSION}）创建项目的虚拟环境 .venv，本项目和依赖都装在其中。"
  fi
}

# Printed at the end: how to use the environment's commands (honorroll, mkdocs) afterwards.
hr_activate_hint() {
  if [ -z "$(hr_active_env_python)" ] || [ "${VIRTUAL_ENV:-}" = "$PWD/.venv" ]; then
    hr_say "在新的终端中使用 honorroll、mkdocs 等命令前，先运行：source .venv/bin/activate"
  fi
}
