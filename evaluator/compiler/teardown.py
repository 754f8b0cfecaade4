"""Taking apart a compiled file's tree as its compiler needs less of it.

A resolved tree is full of reference cycles (a `Var` resolves to a binding
whose scope is a node holding the `Var`; a scope and its bindings point at
each other), so dropping it frees nothing until the cyclic collector finds
it, and a one-shot run freezes what the front end built (see
:mod:`evaluator.vm.gc_tuning`): its collections never look there. Cutting
the cycles lets reference counting free the tree at once: all of it when
the compiler is dropped (:func:`dismantle`), and, once the file's `main`
unit is generated, all but what its deferred thunks need (:func:`prune`).
"""

from __future__ import annotations

from bisect import bisect_right
from collections.abc import Iterable
from typing import TYPE_CHECKING

from evaluator.compiler.captures import Captures, Span
from evaluator.compiler.scope import Resolved
from evaluator.syntax import nodes
from evaluator.vm.gc_tuning import ONE_SHOT_GC

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

# In a run that ends with its evaluation (``nixls eval``), the trees of
# compiled files are left unpruned while they add up to at most this many
# bytes of source (the oldest pruned first past it): pruning walks and
# empties every node a file's `main` unit compiled, ~4% of a cold
# evaluation of nixpkgs lib's test files, to free a few megabytes that
# such a run never misses. A large run (home-manager's 768 files) prunes
# all but the last megabyte of source, as before.
HOLD_BYTES = 1 << 20

# The compilers whose trees are held, oldest first, and their source bytes.
_held: dict[int, Compiler] = {}
_held_bytes = 0


def held(compiler: Compiler) -> bool:
    """Whether ``compiler``'s tree is left unpruned for now (see
    :data:`HOLD_BYTES`); holding it may prune the oldest trees held. Outside
    a one-shot run nothing is held (a server keeps its compilers)."""
    global _held_bytes
    if not ONE_SHOT_GC.active:
        if _held:  # a one-shot run in this process ended: its compilers prune again
            for old in _held.values():
                old.hold_tree = False
            _held.clear()
            _held_bytes = 0
        compiler.hold_tree = False
        return False
    key = id(compiler)
    if key not in _held:
        _held[key] = compiler
        _held_bytes += len(compiler.source.text)
        while _held_bytes > HOLD_BYTES:
            old = _held.pop(next(iter(_held)))
            _held_bytes -= len(old.source.text)
            old.hold_tree = False
            if old is not compiler:
                old.prune_tree()
    return compiler.hold_tree


def let_go(compiler: Compiler) -> None:
    """Forget ``compiler`` (closed: its tree is taken apart) if its tree is held."""
    global _held_bytes
    if _held.pop(id(compiler), None) is not None:
        _held_bytes -= len(compiler.source.text)


def dismantle(resolved: Resolved) -> None:
    """Cut the cycles of a resolved tree nobody reads any more (the nodes keep
    their children: only resolutions and scopes are emptied)."""
    for var in resolved.vars:
        var.resolution = None
    for find, nix_path in resolved.search_paths.values():
        find.resolution = nix_path.resolution = None
    for scope in resolved.scopes:
        scope.bindings = {}
        scope.with_uses = []
        scope.node = None
        scope.parent = None
    for table in (resolved.vars, resolved.scopes, resolved.bindings, resolved.search_paths):
        table.clear()


def prune(
    resolved: Resolved,
    root: nodes.Node,
    keep: list[Span],
    captures: Captures | None,
    names: dict[tuple[int, str], str],
) -> None:
    """Keep of a compiled tree only what generating its deferred units needs.

    ``keep`` is where the deferred thunks not generated yet lie (their
    regions, see :meth:`Captures.region`), sorted and disjoint
    (:func:`union`). Every node outside it is emptied (its children, a
    variable's resolution), and the tables of what is left
    (scopes, merged sets, variables, search paths, generated names) shrink
    to the part inside it. Nodes around it (the scopes the deferred code
    reads) stay, as shells holding only the children that lead to it.
    """
    spans = keep
    starts = [s for s, _ in spans]

    def within(node: nodes.Node) -> bool:
        i = bisect_right(starts, node.start) - 1
        return i >= 0 and node.end <= spans[i][1]

    def meets(node: nodes.Node) -> bool:
        if node.start == node.end:
            return True  # too small to tell: kept
        i = bisect_right(starts, node.end - 1) - 1
        return i >= 0 and spans[i][1] > node.start

    regions = resolved.regions  # read before any `with`'s environment goes
    kept_scopes = [
        (scope, region)
        for scope, region in zip(resolved.scopes, regions, strict=True)
        if scope.node is None or meets(scope.node)
    ]
    for scope in resolved.scopes:
        if scope.node is not None and not meets(scope.node):
            scope.bindings = {}  # a scope and its bindings point at each other
    resolved.scopes = [scope for scope, _ in kept_scopes]
    resolved._regions = [region for _, region in kept_scopes]
    # Every variable is in `vars` (those of `inherit x;` and `<p>` too): one
    # pass cuts the resolutions of those outside, not a test per emptied node.
    kept_vars = []
    for var in resolved.vars:
        if within(var):
            kept_vars.append(var)
        else:
            var.resolution = None
    resolved.vars = kept_vars
    stack = [root]
    while stack:
        node = stack.pop()
        if within(node):
            continue
        if meets(node):
            stack.extend(node.children())
        else:
            _empty(node)
    for node in [k for k in resolved.bindings if not within(k)]:
        del resolved.bindings[node]
    for path in [k for k in resolved.search_paths if not within(k)]:
        find, nix_path = resolved.search_paths.pop(path)
        find.resolution = nix_path.resolution = None
    if captures is not None:
        captures.keep_only(within)
    scope_ids = {id(scope.node) for scope in resolved.scopes}
    for name_key in [k for k in names if k[0] not in scope_ids]:
        del names[name_key]


def union(spans: Iterable[Span]) -> list[Span]:
    """Sorted disjoint spans covering ``spans``."""
    out: list[Span] = []
    for lo, hi in sorted(spans):
        if out and lo <= out[-1][1]:
            if hi > out[-1][1]:
                out[-1] = (out[-1][0], hi)
        else:
            out.append((lo, hi))
    return out


def _empty(top: nodes.Node) -> None:
    """Empty ``top`` and every node under it (children, resolutions).

    The whole subtree, not just ``top``: scopes kept around the deferred
    code (their bindings, merged entries) still point at nodes inside it.
    """
    node_type = nodes.Node
    fields = _FIELDS
    stack = [top]
    pop, push = stack.pop, stack.append
    while stack:
        node = pop()
        cls = type(node)
        names = fields.get(cls)
        if names is None:
            names = _child_fields(cls)
        for name in names:
            value = getattr(node, name)
            if isinstance(value, node_type):
                push(value)
                setattr(node, name, None)
            elif type(value) is list and value:
                # Whole: the strings among a string's parts are popped as
                # having no fields (cheaper than a test per item here).
                stack += value
                setattr(node, name, [])


_FIELDS: dict[type, tuple[str, ...]] = {}


def _child_fields(cls: type) -> tuple[str, ...]:
    """The fields of a node class that may hold nodes (:func:`nodes.child_fields`);
    none for the strings among a string's or path's parts."""
    found = _FIELDS.get(cls)
    if found is None:
        found = _FIELDS[cls] = nodes.child_fields(cls) if issubclass(cls, nodes.Node) else ()
    return found
