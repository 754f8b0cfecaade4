"""The on-disk cache of compiled files: :class:`DiskCache` (``store.py``), its
byte format (``codec.py``)."""

from evaluator.cache.store import DiskCache, default_directory

__all__ = ["DiskCache", "default_directory"]
