"""Questions about a flake's inputs at a cursor: which input, hover text, definition, completion.

An input is named at its declaration (`libA.url = …` in `inputs`), as a
formal of `outputs`, where such a formal is used in the body, and as
`inputs.libA` (the argument set selected). Answers are plain data: spans,
Markdown strings, file paths, completion entries.
"""

from __future__ import annotations

import os
import time
from collections.abc import Mapping
from dataclasses import dataclass

from evaluator.compiler import Analysis
from evaluator.compiler.model import LocalRef
from evaluator.syntax import nodes
from nixls.ide.flake.lock import FlakeLock, LockedInput, show_ref
from nixls.ide.flake.model import FlakeModel, argset_select_at

Span = tuple[int, int]


@dataclass(frozen=True)
class InputAt:
    """An input named at a cursor: its name and the span of the name there."""

    name: str
    span: Span
    # "declaration" (in `inputs`), "formal" (of `outputs`), "select" (`inputs.x`),
    # "use" (a formal's name used in the body)
    kind: str


@dataclass(frozen=True)
class InputItem:
    """A completion entry: an input name and what it refers to."""

    name: str
    detail: str


def input_at(model: FlakeModel, analysis: Analysis, offset: int) -> InputAt | None:
    """The input whose name is at ``offset``, if any."""
    for decl in model.inputs.values():
        for span in decl.spans:
            if span[0] <= offset <= span[1]:
                return InputAt(decl.name, span, "declaration")
    for use in model.uses:
        if use.span[0] <= offset <= use.span[1]:
            return InputAt(use.name, use.span, use.kind)
    var = analysis.var_at(offset)
    if var is not None and isinstance(var.resolution, LocalRef) and model.outputs is not None:
        binding = var.resolution.binding
        fn = model.outputs
        if binding.node in (fn.formals.entries if fn.formals else []) and var.name != "self":
            return InputAt(var.name, (var.start, var.end), "use")
    return None


# ---------------------------------------------------------------- hover


def _date(stamp: object) -> str | None:
    if not isinstance(stamp, int) or isinstance(stamp, bool):
        return None
    try:
        return time.strftime("%Y-%m-%d %H:%M:%S UTC", time.gmtime(stamp))
    except (OverflowError, OSError, ValueError):
        return None


def _lock_lines(found: LockedInput, lock: FlakeLock) -> list[str]:
    locked = found.locked
    lines = []
    if found.follows is not None:
        lines.append(f"follows `{'/'.join(map(str, found.follows))}`")
    if not locked:
        return lines + ["not locked (the lock node it names is missing)"]
    lines.append(f"locked: `{show_ref(locked)}`")
    rev = locked.get("rev")
    if isinstance(rev, str):
        lines.append(f"rev: `{rev}`")
    date = _date(locked.get("lastModified"))
    if date is not None:
        lines.append(f"lastModified: {date}")
    nar_hash = locked.get("narHash")
    if isinstance(nar_hash, str):
        lines.append(f"narHash: `{nar_hash}`")
    if found.node_key is not None:
        where = lock.source_dir(found.node_key)
        lines.append(f"source: `{where}`" if where else "source: not on this machine")
    return lines


def hover_markdown(model: FlakeModel, lock: FlakeLock, name: str) -> str:
    """Markdown for input ``name``: its URL and what `flake.lock` locked."""
    decl = model.inputs.get(name)
    head = f"flake input `{name}`"
    if decl is None:
        return f"{head}: not declared in `inputs`"
    lines = [head]
    if decl.url is not None:
        lines.append(f"url: `{decl.url}`")
    elif decl.follows is not None:
        lines.append(f"follows: `{decl.follows}`")
    elif decl.attrs:
        lines.append(f"reference: `{show_ref(dict(decl.attrs))}`")
    if not decl.flake:
        lines.append("not a flake (`flake = false`): its source tree")
    if lock.error is not None:
        lines.append(f"flake.lock is unusable: {lock.error.message}")
    elif not lock.present:
        lines.append("no flake.lock")
    else:
        found = lock.input(name)
        lines += _lock_lines(found, lock) if found else ["not in flake.lock"]
    return "\n\n".join(lines)


# ---------------------------------------------------------------- definition


def definition(model: FlakeModel, lock: FlakeLock, name: str) -> str | None:
    """The file to open for input ``name``: its locked source's `flake.nix`
    (or, for a non-flake source, its `default.nix`), if on this machine; a
    local path input not in the lock (yet) where it is declared to be."""
    found = lock.input(name)
    where = None
    if found is not None and found.node_key is not None:
        where = lock.source_dir(found.node_key)
    elif found is None and name in model.inputs:
        where = _declared_path(model.inputs[name].reference(), lock.flake_dir)
    if where is None:
        return None
    for candidate in ("flake.nix", "default.nix"):
        path = os.path.join(where, candidate)
        if os.path.isfile(path):
            return path
    return None


def _declared_path(ref: Mapping[str, object] | None, flake_dir: str) -> str | None:
    path = ref.get("path") if ref is not None and ref.get("type") == "path" else None
    if not isinstance(path, str):
        return None
    found = os.path.normpath(os.path.join(flake_dir, path))
    return found if os.path.isdir(found) else None


# ---------------------------------------------------------------- completion


def completion(model: FlakeModel, root: nodes.Node, offset: int) -> list[InputItem] | None:
    """Input names to offer at ``offset``: in the formals of `outputs`, or after
    `inputs.`; None elsewhere."""
    fn = model.outputs
    if fn is not None and fn.formals is not None and _in_formal_names(fn.formals, offset):
        typed = {f.name.name for f in fn.formals.entries if not f.start <= offset <= f.end}
        names = [n for n in [*model.inputs, "self"] if n not in typed]
        return [_item(model, n) for n in names]
    if argset_select_at(model, root, offset):
        return [_item(model, n) for n in [*model.inputs, "self"]]
    return None


def _in_formal_names(formals: nodes.Formals, offset: int) -> bool:
    """Inside `{ … }` of the formals, where a name goes (not in a default's expression)."""
    if not formals.start < offset < formals.end:
        return False
    return not any(
        f.default is not None and f.default.start <= offset <= f.default.end
        for f in formals.entries
    )


def _item(model: FlakeModel, name: str) -> InputItem:
    if name == "self":
        return InputItem(name, "this flake")
    decl = model.inputs[name]
    if decl.url is not None:
        return InputItem(name, decl.url)
    if decl.follows is not None:
        return InputItem(name, f"follows {decl.follows}")
    return InputItem(name, "flake input")
