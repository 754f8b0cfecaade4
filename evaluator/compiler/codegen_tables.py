"""The `inherit (src) a b …;` bindings of a `let` / `rec` group as one line.

A group binds each name it inherits from a source to a new thunk, one
line each (``v5 = Thunk(partial(r_inherit, src17, 'elem', K19))``): the
bodies of nixpkgs lib's files open with dozens of them, and `compile()`
(the first call of such a body compiles it) pays ~15 µs for each line. A
run of them (one helper, one source) becomes one line,
``v5, v6, … = r_inherits(globals(), r_inherit, src17, K1, K2)``
(:func:`evaluator.compiler.codegen_globals.inherits`): the same thunks,
made in the same order by C-level maps over the names (``K1``) and the
names of their sites' constants (``K2``). Neither line can fail, so no
error location moves. Only in code run once per file: at run time the
maps cost more than the lines (see :func:`runs_once`).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.compiler.codegen_base import NAME_MARK, _Fn
from evaluator.syntax import nodes

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

# Shorter runs stay lines: the run's own line and constants cost about
# what two lines do.
RUN_MIN = 3

_HELPERS = frozenset({"r_inherit", "r_inherit_bound"})
_NAME_CHARS = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz_")
_NUMBER_CHARS = _NAME_CHARS | frozenset("0123456789")

# An inherited binding: (helper, source, name's literal, site's constant unmarked).
_Entry = tuple[str, str, str, str]


def emit_bindings(self: Compiler, fn: _Fn, lines: list[tuple[str, str, nodes.Node]]) -> None:
    """Emit the lines ``py = expr`` (at their nodes) in order; in code that
    runs once per file (:func:`runs_once`), runs of :data:`RUN_MIN` or more
    inherited bindings of one helper and source as one line."""
    once = runs_once(self, fn)
    run: list[tuple[str, _Entry, str, nodes.Node]] = []
    for py, expr, at in lines:
        entry = _entry(expr) if once else None
        if run and (entry is None or entry[:2] != run[0][1][:2]):
            _flush(self, fn, run)
            run = []
        if entry is None:
            self.emit(fn, f"{py} = {expr}", at)
        else:
            run.append((py, entry, expr, at))
    _flush(self, fn, run)


def runs_once(self: Compiler, fn: _Fn) -> bool:
    """Whether ``fn`` is the file's `main` or the body of the lambda that is
    the file (`{ lib }: let inherit (lib) …`): code run once per import.
    Elsewhere the lines stay: a `let` in a function runs at each call, and
    the maps' `Thunk` calls cost more than the lines' (+39% for five)."""
    if fn.parent is None:
        return True
    root = self.root_node
    while type(root) is nodes.Paren:
        root = root.expr  # type: ignore[attr-defined]
    return fn.parent.parent is None and fn.node is root and type(root) is nodes.Lambda


def _flush(self: Compiler, fn: _Fn, run: list[tuple[str, _Entry, str, nodes.Node]]) -> None:
    if len(run) < RUN_MIN:
        for py, _, expr, at in run:
            self.emit(fn, f"{py} = {expr}", at)
        return
    helper, src, _, _ = run[0][1]
    names = self.const(tuple([entry[2][1:-1] for _, entry, _, _ in run]))
    sites = self.const(tuple([entry[3] for _, entry, _, _ in run]))
    targets = ", ".join([py for py, _, _, _ in run])
    line = f"{targets} = r_inherits(globals(), {helper}, {src}, {names}, {sites})"
    self.emit(fn, line, run[0][3])


def _entry(expr: str) -> _Entry | None:
    """``expr`` as an inherited binding, `Thunk(partial(H, src, 'name', K))`
    (H one of the two helpers, ``src`` a marked name, the name a literal
    without escapes, K a marked constant); else None."""
    if not (expr.startswith("Thunk(partial(r_inherit") and expr.endswith("))")):
        return None
    parts = expr[14:-2].split(", ")
    if len(parts) != 4:
        return None
    helper, src, name, site = parts
    if helper not in _HELPERS or _marked(src) is None:
        return None
    if not (len(name) >= 2 and name[0] in "'\"" and name[-1] == name[0]):
        return None
    body = name[1:-1]
    if name[0] in body or "\\" in body or "\n" in body:
        return None
    found = _marked(site)
    if found is None or found[0] != "K":
        return None
    return helper, src, name, found[0] + found[1]


def _marked(text: str) -> tuple[str, str] | None:
    """A marked generated name's prefix and number (`prefix\\0number\\0`), or None."""
    if not text.endswith(NAME_MARK) or text.count(NAME_MARK) != 2:
        return None
    prefix, number, _ = text.split(NAME_MARK)
    if not number or not _NUMBER_CHARS.issuperset(number) or not _NAME_CHARS.issuperset(prefix):
        return None
    return prefix, number
