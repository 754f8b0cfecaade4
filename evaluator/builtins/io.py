"""File-system builtins: `readFile`, `readDir`, `readFileType`, `pathExists`, `findFile`.

Every access goes through the evaluation's I/O object
(:class:`evaluator.io.EvalIO`), which checks its read policy: the editor only
lets an evaluation read inside the workspace, and checks outside it answer
as if nothing were there.
"""

from __future__ import annotations

import os
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.strings import from_bytes
from evaluator.builtins.support import charge
from evaluator.store.copy import path_for_reading
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import NixError, ThrownError
from evaluator.vm.values import Attrs, CtxStr, Frame, NixPath, Thunk

# Where `<nix/...>` resolves when no search path entry has it (as Nix 2.8).
CORE_PKGS = "/__corepkgs__/"


def _os_message(e: OSError) -> str:
    return e.strerror or str(e)


def _coerced(v: Any) -> Frame:
    """``v`` as a path string, under Nix's trace entry for a path about to be read."""
    try:
        return (yield from ops.coerce_to_path(v))
    except NixError as err:
        err.add_trace("while realising the context of a path", None)
        err.__dict__["argument_seen"] = True  # the entry Nix gives it (vm/argument_trace)
        raise


def _real_path(v: Any) -> Frame:
    s = yield from _coerced(v)
    path = ops.canon_path(str.__str__(s))
    # Nothing is copied to a store: read a computed source path from where
    # it came from (or fail clearly for other store paths).
    return path_for_reading(path)


@builtin("readFile", 1)
def read_file(v: Any) -> Frame:
    """`readFile path`: the contents of the file `path` as a string."""
    path = yield from _real_path(v)
    try:
        data = current().io.read_file(path)
    except IsADirectoryError:
        raise NixError("reading from file: Is a directory") from None
    except OSError as e:
        raise NixError(f"opening file '{path}': {_os_message(e)}") from None
    if b"\0" in data:
        raise NixError(f"the contents of the file '{path}' cannot be represented as a Nix string")
    charge(len(data))
    return from_bytes(data)


@builtin("readDir", 1)
def read_dir(v: Any) -> Frame:
    """`readDir path`: a set mapping each entry of the directory to its type ("regular",
    "directory", "symlink" or "unknown")."""
    path = yield from _real_path(v)
    try:
        entries = current().io.read_dir(path)
    except OSError as e:
        raise NixError(f"opening directory '{path}': {_os_message(e)}") from None
    return Attrs(entries)


@builtin("readFileType", 1)
def read_file_type(v: Any) -> Frame:
    """`readFileType path`: the type of the file `path` ("regular", "directory", "symlink"
    or "unknown"); a symlink itself is not followed."""
    path = yield from _real_path(v)
    try:
        return current().io.file_type(path)
    except FileNotFoundError:
        raise NixError(f"path '{path}' does not exist") from None
    except OSError as e:
        raise NixError(f"getting status of '{path}': {_os_message(e)}") from None


@builtin("pathExists", 1)
def path_exists(v: Any) -> Frame:
    """`pathExists path`: whether `path` exists (false where the policy forbids reading).

    As in Nix 2.26, a string ending in `/` or `/.` names a directory: it must be one.
    """
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    must_be_dir = type(v) in (str, CtxStr) and v.endswith(("/", "/."))
    s = yield from _coerced(v)
    io = current().io
    path = ops.canon_path(str.__str__(s))
    return io.is_dir(path) if must_be_dir else io.path_exists(path)


def find_in_search_path(entries: list[tuple[str, str]], name: str) -> str:
    """Resolve ``<name>`` against ``(prefix, path)`` entries, as Nix's ``findFile``.

    Entries and candidates the read policy hides count as missing, so the
    answer says nothing about files outside it.
    """
    io = current().io
    for prefix, root in entries:
        if not prefix:
            suffix = "/" + name
        else:
            n = len(prefix)
            if not name.startswith(prefix) or (len(name) > n and name[n] != "/"):
                continue
            suffix = "" if len(name) == n else "/" + name[n + 1 :]
        root = os.path.abspath(root)
        if not io.path_exists(root):
            continue
        candidate = root + suffix
        if io.path_exists(candidate):
            return ops.canon_path(candidate)
    if name.startswith("nix/"):
        return CORE_PKGS + name[4:]
    raise ThrownError(
        f"file '{name}' was not found in the Nix search path (add it using $NIX_PATH or -I)"
    )


@builtin("findFile", 2)
def find_file(search_path: Any, name: Any) -> Frame:
    """`findFile searchPath name`: the path `<name>` denotes in `searchPath` (a list of
    `{ prefix; path; }`); this is what `<name>` means, with `builtins.nixPath`."""
    items = yield from ops.force_list(search_path)
    entries: list[tuple[str, str]] = []
    for item in items:
        item = yield from ops.force_attrs(item)
        prefix = ""
        if "prefix" in item:
            prefix = str.__str__((yield from ops.force_string(item["prefix"])))
        if "path" not in item:
            raise NixError("attribute 'path' missing for call to 'findFile'")
        root = yield from ops.coerce_to_string(item["path"], coerce_more=False, copy_to_store=False)
        entries.append((prefix, str.__str__(root)))
    name = yield from ops.force_string(name)
    return NixPath(find_in_search_path(entries, str.__str__(name)))
