"""How the workspace's files use one another: ``callPackage ./x.nix``, ``imports = [ ./x.nix ]``.

A scan of the workspace's ``.nix`` files by text (bounded in files and
bytes, so a huge tree costs little), kept until :meth:`ReferenceIndex.forget`
is called (a file changed) or it is older than :data:`MAX_AGE` seconds. It
answers what a file is *used as*; its own shape decides first
(:func:`.roles.classify`).
"""

from __future__ import annotations

import os
import re
import threading
import time
from collections.abc import Sequence

from nixls.ide.project.roles import FileRole, Role

MAX_FILES = 5000
MAX_BYTES = 2_000_000  # a larger file is not read for references
MAX_AGE = 30.0
_SKIP_DIRS = frozenset({".git", "node_modules", "result", ".direnv", ".venv"})
_PATH = r"(\.{1,2}/[A-Za-z0-9._+/-]*)"
_CALL_PACKAGE = re.compile(r"callPackage\s+" + _PATH)
_IMPORTS = re.compile(r"imports\s*=\s*\[([^\]]*)\]")
_LIST_PATH = re.compile(_PATH)


class ReferenceIndex:
    """What the files under some roots make of the files they name."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._key: tuple[str, ...] | None = None
        self._made = 0.0
        self._uses: dict[str, FileRole] = {}

    def forget(self) -> None:
        """Scan again on next use (a workspace file changed)."""
        with self._lock:
            self._key = None

    def used_as(self, path: str, roots: Sequence[str]) -> FileRole | None:
        """What another file under ``roots`` makes of the file at ``path``."""
        key = tuple(roots)
        with self._lock:
            if self._key != key or time.monotonic() - self._made > MAX_AGE:
                self._uses = scan(roots)
                self._key, self._made = key, time.monotonic()
            return self._uses.get(os.path.normpath(path))


def scan(roots: Sequence[str]) -> dict[str, FileRole]:
    """Every file a ``callPackage`` or an ``imports`` list under ``roots`` names."""
    uses: dict[str, FileRole] = {}
    seen = 0
    for root in roots:
        for top, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for name in sorted(files):
                if not name.endswith(".nix"):
                    continue
                seen += 1
                if seen > MAX_FILES:
                    return uses
                _scan_file(os.path.join(top, name), uses)
    return uses


def _scan_file(path: str, uses: dict[str, FileRole]) -> None:
    try:
        if os.path.getsize(path) > MAX_BYTES:
            return
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return
    here = os.path.dirname(path)
    shown = os.path.basename(path)
    for found in _CALL_PACKAGE.finditer(text):
        target = _target(here, found.group(1))
        uses.setdefault(target, FileRole(Role.PACKAGE, f"callPackage'd in {shown}"))
    for block in _IMPORTS.finditer(text):
        for found in _LIST_PATH.finditer(block.group(1)):
            target = _target(here, found.group(1))
            uses.setdefault(target, FileRole(Role.MODULE, f"imported as a module in {shown}"))


def _target(here: str, relative: str) -> str:
    path = os.path.normpath(os.path.join(here, relative))
    if os.path.isdir(path):
        path = os.path.join(path, "default.nix")
    return path
