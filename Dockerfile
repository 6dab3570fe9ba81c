# The CI image for 光荣榜 content repositories: honorroll in a virtual environment of Debian's own
# python3, with the CJK fonts, Chromium and zbar the checks use (and poppler and pango for the book).
# Built from Debian packages and PyPI only. Its one set-up step is scripts/install-system-deps,
# which tests/test_setup.py runs on a Debian system Python (no container engine runs in the tests).
#
#   docker build -t honorroll-ci .
#   docker run --rm -v "$PWD:/site" -w /site honorroll-ci honorroll check
#
# How GitLab and Gitea use it: README.md, “CI 镜像”.
FROM debian:bookworm-slim

ENV LANG=C.UTF-8 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

# The Debian packages first, so that layer is rebuilt only when the script changes.
COPY scripts/install-system-deps /opt/honorroll/src/scripts/
COPY scripts/lib /opt/honorroll/src/scripts/lib
RUN /opt/honorroll/src/scripts/install-system-deps && rm -rf /var/lib/apt/lists/*

# Then the project, from PyPI into the environment (the packages are there: no apt-get this time).
COPY . /opt/honorroll/src
RUN /opt/honorroll/src/scripts/install-system-deps --venv /opt/honorroll/venv --project /opt/honorroll/src \
    && git config --system --add safe.directory '*'
# (safe.directory: a repository mounted or cloned by the CI runner under another user id is still read by git.)

# As if activated: `honorroll`, `mkdocs` and `pip install` all use the environment.
ENV VIRTUAL_ENV=/opt/honorroll/venv \
    PATH=/opt/honorroll/venv/bin:$PATH

WORKDIR /site
CMD ["honorroll", "--help"]
