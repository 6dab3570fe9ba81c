"""光荣榜: a MkDocs plugin and editors' tools for a civic honor roll and story archive."""

from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("honorroll")
except PackageNotFoundError:  # running from a source tree that was never installed
    __version__ = "0.0.0+source"
