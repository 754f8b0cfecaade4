"""Taking apart a compiled file's tree once its compiler is done with it.

A resolved tree is full of reference cycles (a `Var` resolves to a binding
whose scope is a node holding the `Var`; a scope and its bindings point at
each other), so dropping it frees nothing until the cyclic collector finds
it, and a one-shot run freezes what the front end built (see
:mod:`evaluator.vm.gc_tuning`): its collections never look there. Cutting
the cycles lets reference counting free the tree at once.
"""

from __future__ import annotations

from evaluator.compiler.scope import Resolved


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
