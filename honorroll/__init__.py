"""光荣榜: a MkDocs plugin and editors' tools for a civic honor roll and story archive."""

from importlib.metadata import PackageNotFoundError, version
from pathlib import Path

try:
    __version__ = version("honorroll")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"

PACKAGE_DIR = Path(__file__).resolve().parent
"""The package's own folder: its source is hashed into every cache key."""
THEME_DIR = PACKAGE_DIR / "theme"
"""All markup: the site's, the book's and the dossier's templates (a site overrides them with ``custom_dir``)."""
