"""Fetching flake sources that are already on this machine (no network).

A `path` input is read where it is; a locked input of another type is used
if its source (named by its `narHash`) is in the store directory. Anything
else would need a download, which is a clear error naming the input.
"""

from __future__ import annotations

import os
import time
from typing import Any

from evaluator.builtins import flakeref
from evaluator.builtins.flakeref import FlakeAttrs, FlakeRefError
from evaluator.store import hashes, paths
from evaluator.store.copy import add_path
from evaluator.store.errors import StoreError
from evaluator.vm.context import current
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, CtxStr


def _show(attrs: FlakeAttrs) -> str:
    try:
        return flakeref.unparse(attrs)
    except FlakeRefError:
        return str(attrs)


def _last_modified(root: str) -> int:
    """The newest modification time in the tree at ``root`` (as Nix's path fetcher)."""
    io = current().io
    newest = int(io.lstat(root).st_mtime)
    for top, dirs, files in os.walk(io.check(root)):
        for name in dirs + files:
            try:
                newest = max(newest, int(io.lstat(os.path.join(top, name)).st_mtime))
            except OSError:
                pass
    return newest


def _source_info(out_path: str, nar_hash: str, extra: FlakeAttrs) -> Attrs:
    info: dict[str, Any] = {"outPath": CtxStr(out_path, frozenset({out_path})), "narHash": nar_hash}
    if "lastModified" in extra:
        stamp = int(extra["lastModified"])
        info["lastModified"] = stamp
        info["lastModifiedDate"] = time.strftime("%Y%m%d%H%M%S", time.gmtime(stamp))
    if "rev" in extra:
        info["rev"] = extra["rev"]
        info["shortRev"] = str(extra["rev"])[:7]
    if "revCount" in extra:
        info["revCount"] = extra["revCount"]
    return Attrs(sorted(info.items()))


def fetch_local(attrs: FlakeAttrs) -> tuple[Attrs, str]:
    """The `fetchTree` result for ``attrs`` and the directory holding its files.

    Raises a clear error when the source would need a download.
    """
    kind = attrs.get("type")
    if kind == "path":
        path = str(attrs.get("path", ""))
        if not path.startswith("/"):
            raise NixError(f"path '{path}' is not absolute")
        current().io.check(path)
        if not current().io.path_exists(path):
            raise NixError(f"path '{path}' does not exist")
        out = add_path("source", path, True)
        try:
            got = current().io.nar_hash(path).sri()
        except StoreError as e:
            raise NixError(str(e)) from None
        wanted = attrs.get("narHash")
        if wanted is not None and wanted != got:
            raise NixError(
                f"NAR hash mismatch in input '{_show(attrs)}', expected '{wanted}' but got '{got}'"
            )
        extra = dict(attrs)
        extra.setdefault("lastModified", _last_modified(path))
        return _source_info(out, got, extra), path
    return from_store(attrs)


def from_store(attrs: FlakeAttrs) -> tuple[Attrs, str]:
    """A locked non-path input whose source is already in the store directory."""
    store = current().store_dir
    wanted = attrs.get("narHash")
    shown = _show(attrs)
    if not isinstance(wanted, str):
        raise NixError(
            f"cannot fetch input '{shown}': network access is disabled "
            "(and it is not locked to a narHash that could be found in the store)"
        )
    try:
        h = hashes.parse_any(wanted, None, nix226=True)
        out = paths.make_fixed_output_path(True, h, "source", store)
    except StoreError as e:
        raise NixError(str(e)) from None
    if not current().io.is_dir(out):
        raise NixError(
            f"cannot fetch input '{shown}': network access is disabled, and its source "
            f"'{out}' is not in the store on this machine"
        )
    return _source_info(out, wanted, attrs), out
