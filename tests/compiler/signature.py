"""A position-based description of an analysis: equal analyses, equal signatures.

Two analyses of the same text (one updated incrementally on an edited
tree, one of a fresh parse) share no objects, so they are compared through
what they say about positions: every scope, binding, reference, merged
attribute set, recorded environment and diagnostic. Lists whose order
carries no meaning are sorted.
"""

from __future__ import annotations

from typing import Any

from evaluator.compiler import Analysis
from evaluator.compiler.bindings import (
    DynamicEntry,
    InheritEntry,
    InheritSource,
    MergedAttrs,
    NestedEntry,
    ValueEntry,
)
from evaluator.compiler.model import Binding, GlobalRef, LocalRef, Scope, WithRef
from evaluator.syntax import nodes


def _span(node: nodes.Node | None) -> Any:
    if node is None:
        return None
    return (type(node).__name__, node.start, node.end)


def _scope(scope: Scope | None) -> Any:
    if scope is None:
        return None
    return (scope.kind.value, _span(scope.node))


def _binding(binding: Binding) -> Any:
    return (binding.name, binding.kind.value, binding.name_span, _scope(binding.scope))


def _owner(owner: object) -> Any:
    if owner is None:
        return None
    if isinstance(owner, Binding):
        return ("binding", _binding(owner))
    assert isinstance(owner, InheritSource)
    return ("source", _span(owner.node), _span(owner.expr))


def _ref(ref: object) -> Any:
    if isinstance(ref, LocalRef):
        return ("local", _binding(ref.binding))
    if isinstance(ref, WithRef):
        return ("with", tuple(_scope(w) for w in ref.withs))
    if isinstance(ref, GlobalRef):
        return ("global", ref.name)
    assert ref is None
    return None


def _var(var: nodes.Var) -> Any:
    return (var.name, var.start, var.end)


def _entry(entry: object) -> Any:
    if isinstance(entry, ValueEntry):
        return (
            "value",
            entry.name,
            _span(entry.key),
            _span(entry.node),
            _span(entry.value),
            entry.pos,
        )
    if isinstance(entry, InheritEntry):
        var = _var(entry.var) if entry.var is not None else None
        source = _owner(entry.source) if entry.source is not None else None
        return ("inherit", entry.name, _span(entry.key), _span(entry.node), var, source, entry.pos)
    if isinstance(entry, NestedEntry):
        return (
            "nested",
            entry.name,
            _span(entry.key),
            _span(entry.node),
            _merged(entry.attrs),
            entry.pos,
        )
    if isinstance(entry, DynamicEntry):
        value = _merged(entry.value) if isinstance(entry.value, MergedAttrs) else _span(entry.value)
        return ("dynamic", _span(entry.key), _span(entry.node), value, entry.pos)
    return ("expr", _span(entry))  # type: ignore[arg-type]


def _merged(merged: MergedAttrs) -> Any:
    return (
        _span(merged.node),
        merged.rec,
        [(name, _entry(e)) for name, e in merged.static.items()],
        [_entry(e) for e in merged.dynamic],
        [_owner(s) for s in merged.inherit_sources],
        [_span(a) for a in merged.absorbed],
        [_entry(e) for e in merged.dropped],
        sorted(map(repr, (_entry(e) for e in merged.rejected))),
    )


def signature(analysis: Analysis) -> dict[str, Any]:
    """Everything the analysis says, keyed by what it is about."""
    r = analysis.resolved
    assert len(set(map(id, r.vars))) == len(r.vars) == len(r.owner_of)
    vars_ = sorted((_var(v), _ref(v.resolution), _owner(r.owner_of[v])) for v in r.vars)
    bindings = sorted(
        (
            _binding(b),
            _span(b.node),
            _span(b.value),
            _entry(b.entry) if b.entry is not None else None,
            sorted(_var(v) for v in b.references),
        )
        for b in r.all_bindings
    )
    scopes = [
        (_scope(s), region, sorted(_var(v) for v in s.with_uses), sorted(s.bindings))
        for s, region in zip(r.scopes, r.regions, strict=True)
    ]
    return {
        "vars": vars_,
        "bindings": bindings,
        "scopes": sorted(scopes, key=repr),
        "scope_of": sorted((_span(n), _scope(s)) for n, s in r.scope_of.items()),
        "merged": sorted((repr(_span(n)), repr(_merged(m))) for n, m in r.bindings.items()),
        "env_of": sorted(
            (repr(_span(n)), repr((_scope(s), _owner(o)))) for n, (s, o) in r.env_of.items()
        ),
        "owns": sorted(repr((_owner(o), _owner(t))) for o, t in r.owns),
        "roots": sorted(repr((_owner(o), _owner(t))) for o, t in r.roots),
        "synthetic": sorted((_var(v), _span(site)) for v, site in r.synthetic.items()),
        "search_paths": sorted(
            (_span(n), _var(a), _var(b)) for n, (a, b) in r.search_paths.items()
        ),
        "undefined": sorted(_var(v) for v in r.undefined),
        "duplicates": sorted(
            (d.span, d.prev_pos, d.prev_span, d.pos, [_span(k) for k in d.path])
            for d in r.duplicate_attrs
        ),
        "lists": [
            sorted(_span(n) for n in items)
            for items in (r.empty_lets, r.empty_inherits, r.uris, r.legacy_lets)
        ],
        "owned_vars": sorted(
            repr((_owner(o), sorted(_var(v) for v in vs))) for o, vs in r.owned_vars.items() if vs
        ),
        "diagnostics": analysis.diagnostics,
        # After `diagnostics`, which computes them if need be.
        "live": sorted(repr(_owner(x)) for x in analysis.findings.live)
        if analysis.findings is not None
        else None,
    }
