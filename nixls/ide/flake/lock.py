"""A flake's `flake.lock`, as the editor features need it (plain data, no evaluation).

The text is parsed by the evaluator's own reader
(:func:`evaluator.builtins.flake_loader.parse_lock`) and `follows` are
resolved by its :class:`~evaluator.builtins.flake_loader.LockedInputs`, so
the editor and `getFlake` agree on what a lock says. On top of that: where
a locked source is on this machine (a path input, or a store path that
exists under ``NIX_STORE_DIR``), and a broken lock as a located error.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from evaluator.builtins import flakeref
from evaluator.builtins.flake_loader import LockedInputs, LockFileError, parse_lock
from evaluator.io import EvalIO
from evaluator.store import hashes, paths
from evaluator.store.errors import StoreError
from evaluator.vm.errors import NixError

# Reads a file's bytes, or None when it is absent or may not be read.
ReadFile = Callable[[str], bytes | None]


def store_dir() -> str:
    """The Nix store directory (``NIX_STORE_DIR``, as Nix honours it)."""
    return os.environ.get("NIX_STORE_DIR") or "/nix/store"


def read_plain(path: str) -> bytes | None:
    """A :data:`ReadFile` with no policy (tests, the CLI)."""
    try:
        with open(path, "rb") as fh:
            return fh.read()
    except OSError:
        return None


def read_under(io: EvalIO) -> ReadFile:
    """A :data:`ReadFile` that reads what ``io``'s policy allows (refused: absent)."""

    def read(path: str) -> bytes | None:
        if not io.allows(path) or not io.path_exists(path):
            return None
        try:
            return io.read_file(path)
        except (OSError, NixError):
            return None

    return read


@dataclass
class LockError:
    """Why a `flake.lock` cannot be used, and where in it (1-based line and column)."""

    path: str
    message: str
    line: int | None = None
    column: int | None = None

    def located(self) -> str:
        """The message with its place in the lock file."""
        where = f"{self.path}:{self.line}:{self.column}" if self.line else self.path
        return f"{where}: {self.message}"


@dataclass
class LockedInput:
    """What the lock says about one input of the root flake."""

    name: str
    node_key: str | None  # the lock node used (also for `follows`); None if it is missing
    follows: list[str] | None  # the follows path, when the root input follows another
    node: dict[str, Any]

    @property
    def locked(self) -> dict[str, Any]:
        """The node's `locked` reference."""
        got = self.node.get("locked")
        return got if isinstance(got, dict) else {}

    @property
    def original(self) -> dict[str, Any] | None:
        """The node's `original` reference (what flake.nix said when it was locked)."""
        got = self.node.get("original")
        return got if isinstance(got, dict) else None


class FlakeLock:
    """One read of a `flake.lock` next to a `flake.nix`."""

    def __init__(self, flake_dir: str, data: dict[str, Any] | None, error: LockError | None):
        self.flake_dir = flake_dir
        self.path = os.path.join(flake_dir, "flake.lock")
        self.data = data
        self.error = error
        self._inputs = LockedInputs(data, flake_dir) if data is not None else None

    @property
    def present(self) -> bool:
        """Whether there is a usable lock."""
        return self.data is not None

    def root_inputs(self) -> dict[str, Any]:
        """The root node's inputs: name -> node key, or follows path (a list)."""
        if self._inputs is None:
            return {}
        root = self._inputs.nodes.get(self._inputs.root)
        got = root.get("inputs") if isinstance(root, dict) else None
        return got if isinstance(got, dict) else {}

    def input(self, name: str) -> LockedInput | None:
        """What the lock says about root input ``name`` (None if it is not in the lock)."""
        if self._inputs is None:
            return None
        target = self.root_inputs().get(name)
        if target is None:
            return None
        follows = target if isinstance(target, list) else None
        try:
            key = self._inputs.locked_node(self._inputs.root, name)
        except NixError:
            key = None
        node = self._inputs.nodes.get(key) if key is not None else None
        return LockedInput(name, key, follows, node if isinstance(node, dict) else {})

    def source_dir(self, key: str, depth: int = 0) -> str | None:
        """The directory of lock node ``key``'s source, if it is on this machine."""
        if self._inputs is None or depth > 50:
            return None
        node = self._inputs.nodes.get(key)
        if not isinstance(node, dict) or not isinstance(node.get("locked"), dict):
            return None
        locked = node["locked"]
        base = self._base_dir(locked, node, depth)
        if base is None:
            return None
        subdir = locked.get("dir")
        found = os.path.join(base, subdir) if isinstance(subdir, str) and subdir else base
        return found if os.path.isdir(found) else None

    def _base_dir(self, locked: dict[str, Any], node: dict[str, Any], depth: int) -> str | None:
        assert self._inputs is not None
        if locked.get("type") == "path" and isinstance(locked.get("path"), str):
            path = str(locked["path"])
            if path.startswith("/"):
                return path
            parent = node.get("parent")
            if not parent:
                return os.path.normpath(os.path.join(self.flake_dir, path))
            try:
                parent_key = self._inputs.follow(list(parent))
            except NixError:
                return None
            parent_dir = self.source_dir(parent_key, depth + 1)
            return os.path.normpath(os.path.join(parent_dir, path)) if parent_dir else None
        return store_source(locked.get("narHash"))

    def local_dirs(self) -> list[str]:
        """The directories of every locked source on this machine."""
        if self._inputs is None:
            return []
        found = (self.source_dir(key) for key in self._inputs.nodes if key != self._inputs.root)
        return sorted({d for d in found if d is not None})


def store_source(nar_hash: object) -> str | None:
    """The store path a source with ``nar_hash`` is at, if it exists there."""
    if not isinstance(nar_hash, str):
        return None
    try:
        h = hashes.parse_any(nar_hash, None, nix226=True)
        out = paths.make_fixed_output_path(True, h, "source", store_dir())
    except StoreError:
        return None
    return out if os.path.isdir(out) else None


def show_ref(ref: dict[str, Any]) -> str:
    """A flake reference in attribute form, shown as a URL (as Nix prints it)."""
    plain = {k: v for k, v in ref.items() if isinstance(v, str | int | bool)}
    try:
        return flakeref.unparse(plain)
    except flakeref.FlakeRefError:
        return ", ".join(f"{k} = {v}" for k, v in sorted(plain.items()))


def read_lock(flake_dir: str, read: ReadFile) -> FlakeLock:
    """The `flake.lock` in ``flake_dir`` (absent: an empty lock; broken: its error)."""
    path = os.path.join(flake_dir, "flake.lock")
    data = read(path)
    if data is None:
        return FlakeLock(flake_dir, None, None)
    try:
        return FlakeLock(flake_dir, parse_lock(data), None)
    except LockFileError as e:
        error = LockError(path, e.message)
        if e.offset is not None:
            before = data[: e.offset]
            error.line = before.count(b"\n") + 1
            error.column = len(before) - (before.rfind(b"\n") + 1) + 1
        return FlakeLock(flake_dir, None, error)
