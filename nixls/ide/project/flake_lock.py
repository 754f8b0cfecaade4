"""The inputs of a workspace's ``flake.lock``, located on this machine.

The lock file is read by the evaluator's own flake loader
(:mod:`evaluator.builtins.flake_loader`), not parsed a second time here. A
``path`` input is its directory (relative to the flake); any other locked
input (``github``, ``git``, ``tarball``, ...) is found where Nix would have
put its source: the fixed-output store path of its ``narHash`` (recursive
SHA-256, name ``source``) in the store directory (``NIX_STORE_DIR``), if that
path exists here.
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from typing import Any

from evaluator.builtins.flake_loader import LockedInputs, read_lock
from evaluator.io import EvalIO
from evaluator.store import hashes, paths
from evaluator.store.errors import StoreError
from evaluator.vm.context import EvalContext, use_context
from evaluator.vm.errors import NixError


@dataclass(frozen=True)
class LockedInput:
    """One input of the root flake: where its source is here, or why it is not."""

    name: str
    kind: str  # the locked type: path, github, git, tarball, ...
    path: str | None  # its source directory on this machine
    note: str  # how it was found, or why not


def read_inputs(flake_dir: str, store_dir: str) -> tuple[list[LockedInput], str | None]:
    """The root inputs of ``flake_dir``'s ``flake.lock`` and an error, if it is unreadable."""
    with use_context(EvalContext(io=EvalIO(), store_dir=store_dir)):
        try:
            lock = read_lock(flake_dir)
        except NixError as err:
            return [], err.message
        if lock is None:
            return [], "no flake.lock"
        table = LockedInputs(lock, flake_dir)
        root = table.nodes.get(table.root, {})
        names = sorted((root.get("inputs") or {}) if isinstance(root, dict) else {})
        found = []
        for name in names:
            try:
                key = table.locked_node(table.root, name)
            except NixError as err:
                found.append(LockedInput(name, "?", None, err.message))
                continue
            node = table.nodes.get(key or "", {})
            locked = node.get("locked") if isinstance(node, dict) else None
            found.append(_locate(name, locked, flake_dir, store_dir))
        return found, None


def _locate(name: str, locked: Any, flake_dir: str, store_dir: str) -> LockedInput:
    if not isinstance(locked, dict):
        return LockedInput(name, "?", None, "not locked")
    kind = str(locked.get("type", "?"))
    if kind == "path":
        where = str(locked.get("path", ""))
        where = os.path.normpath(os.path.join(flake_dir, where))
        if os.path.isdir(where):
            return LockedInput(name, kind, where, f"path input {where}")
        return LockedInput(name, kind, None, f"path input {where} does not exist")
    nar_hash = locked.get("narHash")
    if not isinstance(nar_hash, str):
        return LockedInput(name, kind, None, "locked without a narHash: cannot find its source")
    try:
        out = paths.make_fixed_output_path(
            True, hashes.parse_any(nar_hash, None, nix226=True), "source", store_dir
        )
    except StoreError as err:
        return LockedInput(name, kind, None, f"bad narHash: {err}")
    if os.path.isdir(out):
        return LockedInput(name, kind, out, f"{kind} input in the store at {out}")
    return LockedInput(name, kind, None, f"{kind} input: its source {out} is not on this machine")
