"""Loading a local flake for `builtins.getFlake` (no builtins here).

What Nix's `call-flake.nix` does, for sources on this machine: the flake's
`flake.nix` gives its inputs and `outputs` function; its `flake.lock` says
which source each input is locked to. Each input becomes a flake value
(or, with `flake = false`, its source info); `outputs` is called with the
inputs and `self`, the result itself:
``outputs // sourceInfo // { outPath; inputs; outputs; sourceInfo; _type = "flake"; }``.
An input missing from the lock file is used as it is when it is a local
path; any other would have to be fetched and locked, which is an error.
"""

from __future__ import annotations

import json
import os
from typing import Any

from evaluator.builtins.flake_fetch import fetch_local
from evaluator.builtins.flakeref import FlakeAttrs, FlakeRefError, parse, unparse
from evaluator.builtins.support import lazy_frame
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, CtxStr, Frame, NixPath, Thunk, context_of

_FLAKE_ATTRS = frozenset({"description", "inputs", "outputs", "nixConfig"})


def _show(attrs: FlakeAttrs) -> str:
    try:
        return unparse(attrs)
    except FlakeRefError:
        return json.dumps(attrs, sort_keys=True)


class LockFileError(ValueError):
    """A `flake.lock` that cannot be used; ``offset`` is where in its text (if known)."""

    def __init__(self, message: str, offset: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.offset = offset


def parse_lock(data: bytes) -> dict[str, Any]:
    """The contents of a `flake.lock` (versions 5 to 7); :class:`LockFileError` if not one."""
    try:
        text = data.decode("utf-8")
        lock = json.loads(text)
    except UnicodeDecodeError as e:
        raise LockFileError(f"not UTF-8: {e.reason}", e.start) from None
    except json.JSONDecodeError as e:
        where = len(text[: e.pos].encode("utf-8"))
        raise LockFileError(f"invalid JSON: {e.msg}", where) from None
    if not isinstance(lock, dict) or not isinstance(lock.get("nodes"), dict):
        raise LockFileError("unsupported format (no 'nodes' object)")
    version = lock.get("version")
    if version not in (5, 6, 7):
        raise LockFileError(f"unsupported version {version}")
    return lock


def read_lock(flake_dir: str) -> dict[str, Any] | None:
    """The parsed ``flake.lock`` of ``flake_dir`` (None: none), read through the context's I/O."""
    path = os.path.join(flake_dir, "flake.lock")
    io = current().io
    if not io.path_exists(path):
        return None
    try:
        return parse_lock(io.read_file(path))
    except OSError as e:
        raise NixError(f"cannot read lock file '{path}': {e}") from None
    except LockFileError as e:
        raise NixError(f"lock file '{path}' is unusable: {e.message}") from None


class LockedInputs:
    """The input values of one `getFlake`, shared by every flake it loads."""

    def __init__(self, lock: dict[str, Any] | None, root_dir: str) -> None:
        self.nodes: dict[str, Any] = lock["nodes"] if lock else {}
        self.root: str = lock.get("root", "root") if lock else "root"
        self.by_node: dict[str, Thunk] = {}
        # The directory of each node's flake: relative path inputs are locked
        # relative to their parent's (Nix writes `"parent": [...]` beside them).
        self.dirs: dict[str, str] = {self.root: root_dir}

    def follow(self, path: list[str], depth: int = 0) -> str:
        """The lock node reached by the input path ``path`` from the root."""
        if depth > 100 or not isinstance(path, list) or not all(isinstance(n, str) for n in path):
            # A lock file whose `follows` go round in a circle, or are not names.
            raise NixError(f"input '{path}' has a broken 'follows'")
        key = self.root
        for name in path:
            node = self.nodes.get(key)
            inputs = node.get("inputs") if isinstance(node, dict) else None
            target = inputs.get(name) if isinstance(inputs, dict) else None
            if target is None:
                raise NixError(f"input '{'/'.join(map(str, path))}' follows a non-existent input")
            key = target if isinstance(target, str) else self.follow(target, depth + 1)
        return key

    def locked_node(self, key: str | None, name: str) -> str | None:
        """The lock-file node input ``name`` of node ``key`` uses, if it is locked."""
        if key is None:
            return None
        node = self.nodes.get(key)
        inputs = node.get("inputs") if isinstance(node, dict) else None
        target = inputs.get(name) if isinstance(inputs, dict) else None
        if target is None:
            return None
        return target if isinstance(target, str) else self.follow(target)

    def node_value(self, key: str) -> Thunk:
        """The value of lock-file node ``key`` (one per node: `follows` share it)."""
        found = self.by_node.get(key)
        if found is None:
            node = self.nodes.get(key)
            if not isinstance(node, dict) or not isinstance(node.get("locked"), dict):
                raise NixError(f"lock file node '{key}' is not locked")
            locked: FlakeAttrs = dict(node["locked"])
            self._anchor(key, node, locked)
            is_flake = node.get("flake", True) is not False
            found = lazy_frame(self.source_value, locked, is_flake, key)
            self.by_node[key] = found
        return found

    def _anchor(self, key: str, node: dict[str, Any], locked: FlakeAttrs) -> None:
        """Make a relative `path` lock absolute, against its parent flake's directory."""
        path = locked.get("path")
        if locked.get("type") != "path" or not isinstance(path, str) or path.startswith("/"):
            return
        parent = node.get("parent")
        base = self.dirs.get(self.follow(parent) if parent else self.root)
        if base is None:
            raise NixError(f"lock file node '{key}' has a relative path but no known parent")
        locked["path"] = os.path.normpath(os.path.join(base, path))
        self.dirs.setdefault(key, str(locked["path"]))

    def source_value(self, ref: FlakeAttrs, is_flake: bool, key: str | None) -> Frame:
        """A flake (or, if not ``is_flake``, the source info) at ``ref``."""
        ref = dict(ref)
        subdir = str(ref.pop("dir", ""))
        info, root = fetch_local(ref)
        if not is_flake:
            return info
        return (yield from self.flake(info, root, subdir, key, True))

    def flake(
        self, info: Attrs, root: str, subdir: str, key: str | None, in_store: bool = False
    ) -> Frame:
        """The value of the flake in ``root``/``subdir`` with source info ``info``.

        ``in_store``: evaluated from its store path, as Nix 2.26 does (its `./.`
        is that path; the I/O object reads the folder it was "copied" from, and
        nothing outside it). The flake `getFlake` names and its inputs are.
        """
        flake_dir = os.path.join(root, subdir) if subdir else root
        if key is not None:
            self.dirs.setdefault(key, flake_dir)
        out_path = str.__str__(info["outPath"]) + (f"/{subdir}" if subdir else "")
        file = f"{out_path if in_store else flake_dir}/flake.nix"
        if not current().io.path_exists(file):
            raise NixError(f"path '{out_path}/flake.nix' does not exist")
        ctx = current()
        flake = yield from ops.force_attrs(ctx.loader.file_thunk(ctx, file))
        for name in flake:
            if name not in _FLAKE_ATTRS:
                raise NixError(f"flake '{flake_dir}' has an unsupported attribute '{name}'")
        if "outputs" not in flake:
            raise NixError(f"flake '{flake_dir}' lacks attribute 'outputs'")
        specs = Attrs()
        if "inputs" in flake:
            specs = yield from ops.force_attrs(flake["inputs"])
        for name in specs:
            # Nix locks every input before calling `outputs`: one needing a download fails now.
            if self.locked_node(key, name) is None:
                yield from self.unlocked_ref(name, specs[name], flake_dir)
        inputs = Attrs(
            (name, lazy_frame(self.input_value, key, name, specs[name], flake_dir))
            for name in sorted(specs)
        )
        # `self` is the result, which needs the outputs: tied through a cell.
        cell: list[Thunk] = []
        outputs = lazy_frame(_call_outputs, flake["outputs"], inputs, cell)
        result = lazy_frame(_result, outputs, info, out_path, inputs)
        cell.append(result)
        return (yield result)

    def input_value(self, key: str | None, name: str, spec: Any, flake_dir: str) -> Frame:
        """Input ``name`` of the flake at lock node ``key``: locked, or a local path."""
        locked = self.locked_node(key, name)
        if locked is not None:
            return (yield self.node_value(locked))
        found = yield from self.unlocked_ref(name, spec, flake_dir)
        if isinstance(found, str):
            return (yield self.node_value(found))
        ref, is_flake = found
        return (yield from self.source_value(ref, is_flake, None))

    def unlocked_ref(self, name: str, spec: Any, flake_dir: str) -> Frame:
        """An input absent from the lock file: the lock node it follows, or a local
        path reference and whether it is a flake; an error if it needs a download."""
        spec = yield from ops.force_attrs(spec)
        if "follows" in spec:
            path = str.__str__((yield from ops.force_string(spec["follows"])))
            return self.follow(path.split("/"))
        ref, is_flake = yield from _spec_ref(spec, name)
        if ref.get("type") == "path" and not str(ref.get("path", "")).startswith("/"):
            ref["path"] = os.path.normpath(os.path.join(flake_dir, str(ref["path"])))
        if ref.get("type") != "path":
            raise NixError(
                f"cannot lock flake input '{name}' ('{_show(ref)}'): it is not in the lock "
                "file, and locking it would need network access, which is disabled"
            )
        return ref, is_flake


def _spec_ref(spec: Attrs, name: str) -> Frame:
    """The flake reference and flake-ness of an input given in `flake.nix`."""
    is_flake = True
    ref: FlakeAttrs = {}
    for attr in spec:
        if attr == "inputs":
            continue
        value = yield from ops.force(spec[attr])
        if attr == "flake":
            is_flake = value is not False
        elif attr == "url":
            text = str.__str__((yield from ops.force_string(value)))
            try:
                ref.update(parse(text))
            except FlakeRefError as e:
                raise NixError(str(e)) from None
        elif type(value) in (int, bool, str, CtxStr, NixPath):
            ref[attr] = (
                value.path
                if type(value) is NixPath
                else (str.__str__(value) if type(value) is CtxStr else value)
            )
    if "type" not in ref:
        raise NixError(f"flake input '{name}' has neither a 'url' nor a 'type'")
    return ref, is_flake


def _call_outputs(fn: Any, inputs: Attrs, cell: list[Thunk]) -> Frame:
    args = dict(inputs)
    args["self"] = cell[0]
    return (yield from ops.call(fn, Attrs(sorted(args.items()))))


def _result(outputs: Thunk, info: Attrs, out_path: str, inputs: Attrs) -> Frame:
    forced = yield from ops.force_attrs(outputs)
    merged = dict(forced)
    merged.update(info)
    merged["outPath"] = CtxStr(out_path, context_of(info["outPath"]))
    merged["inputs"] = inputs
    merged["outputs"] = forced
    merged["sourceInfo"] = info
    merged["_type"] = "flake"
    return Attrs(sorted(merged.items()))


def load_flake(ref: FlakeAttrs) -> Frame:
    """`builtins.getFlake` of the (parsed) flake reference ``ref``."""
    ref = dict(ref)
    if ref.get("type") == "indirect":
        raise NixError(
            f"cannot find flake '{_show(ref)}' in the flake registries: the registry "
            "needs network access, which is disabled"
        )
    subdir = str(ref.pop("dir", ""))
    info, root = fetch_local(ref)
    root_dir = os.path.join(root, subdir) if subdir else root
    lock = read_lock(root_dir)
    loader = LockedInputs(lock, root_dir)
    return (yield from loader.flake(info, root, subdir, loader.root if lock else None, True))
