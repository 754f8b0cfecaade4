"""How the workspace's files use one another: ``callPackage ./x.nix``, ``imports = [ ./x.nix ]``.

A scan of the workspace's ``.nix`` files by text (bounded in files and
bytes, so a huge tree costs little), done once per set of workspace folders;
files that change are scanned again one by one
(:meth:`ReferenceIndex.changed`). It answers what a file is *used as*; its
own shape decides first (:func:`.roles.classify`).
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence

from nixls.ide.project.roles import FileRole, Role

MAX_FILES = 5000
MAX_BYTES = 2_000_000  # a larger file is not read for references
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
        self._by_file: dict[str, dict[str, FileRole]] = {}  # scanned file -> its uses

    def changed(self, paths: Sequence[str]) -> None:
        """Scan these files again (they changed, appeared or went away)."""
        with self._lock:
            if self._key is None:
                return
            for path in paths:
                if path.endswith(".nix"):
                    self._by_file[os.path.normpath(path)] = _scan_file(path)

    def used_as(self, path: str, roots: Sequence[str]) -> FileRole | None:
        """What another file under ``roots`` makes of the file at ``path``."""
        key = tuple(roots)
        target = os.path.normpath(path)
        with self._lock:
            if self._key != key:
                self._by_file = scan(roots)
                self._key = key
            for source in sorted(self._by_file):
                found = self._by_file[source].get(target)
                if found is not None:
                    return found
        return None


def scan(roots: Sequence[str]) -> dict[str, dict[str, FileRole]]:
    """Each ``.nix`` file under ``roots``: the files its ``callPackage``s and ``imports`` name."""
    found: dict[str, dict[str, FileRole]] = {}
    for root in roots:
        for top, dirs, files in os.walk(root):
            dirs[:] = sorted(d for d in dirs if d not in _SKIP_DIRS)
            for name in sorted(files):
                if not name.endswith(".nix"):
                    continue
                if len(found) >= MAX_FILES:
                    return found
                path = os.path.join(top, name)
                found[os.path.normpath(path)] = _scan_file(path)
    return found


def _scan_file(path: str) -> dict[str, FileRole]:
    uses: dict[str, FileRole] = {}
    try:
        if os.path.getsize(path) > MAX_BYTES:
            return uses
        with open(path, encoding="utf-8", errors="replace") as f:
            text = f.read()
    except OSError:
        return uses
    here = os.path.dirname(path)
    shown = os.path.basename(path)
    for found in _CALL_PACKAGE.finditer(text):
        target = _target(here, found.group(1))
        uses.setdefault(target, FileRole(Role.PACKAGE, f"callPackage'd in {shown}"))
    for block in _IMPORTS.finditer(text):
        for found in _LIST_PATH.finditer(block.group(1)):
            target = _target(here, found.group(1))
            uses.setdefault(target, FileRole(Role.MODULE, f"imported as a module in {shown}"))
    return uses


def _target(here: str, relative: str) -> str:
    path = os.path.normpath(os.path.join(here, relative))
    if os.path.isdir(path):
        path = os.path.join(path, "default.nix")
    return path
