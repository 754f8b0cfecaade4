"""Evaluation reading the editor's unsaved buffers, and remembering what it read.

:class:`BufferIO` is the evaluation's :class:`~evaluator.io.EvalIO` with the
open documents' texts in front of the disk (same read policy: a buffer the
policy forbids is refused as the file would be). It records every file it
reads, so :class:`Dependents` knows which open documents import which files
and an edit of one can refresh the evaluations of the others.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping

from evaluator.io import EvalIO, ReadPolicy


class BufferIO(EvalIO):
    """File reads served from ``buffers`` (path -> text) first, then the disk."""

    def __init__(self, policy: ReadPolicy, buffers: Mapping[str, bytes]) -> None:
        super().__init__(policy)
        self.buffers = buffers
        self.read: set[str] = set()  # every file read, buffer or disk

    def read_file(self, path: str) -> bytes:
        """The buffer's text if ``path`` is open in the editor, else the file's."""
        local = os.path.normpath(self.check(path))  # a flake's store path: its folder
        self.read.add(local)
        found = self.buffers.get(local)
        if found is not None:
            return found
        return super().read_file(path)


class Dependents:
    """Which documents' last whole-file evaluation read which files (thread-safe)."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._reads: dict[str, frozenset[str]] = {}  # document key -> files read

    def record(self, key: str, read: set[str]) -> None:
        """The files the evaluation of ``key`` read."""
        with self._lock:
            self._reads[key] = frozenset(read)

    def forget(self, key: str) -> None:
        """``key`` closed."""
        with self._lock:
            self._reads.pop(key, None)

    def of(self, path: str) -> list[str]:
        """The documents whose evaluation read ``path`` (not ``path`` itself)."""
        path = os.path.normpath(path)
        with self._lock:
            return sorted(k for k, read in self._reads.items() if path in read)
