"""Re-analysis after an edit: only the part of the tree the edit touched.

The syntax layer's :class:`~evaluator.syntax.document.Document` re-parses an
edit by replacing one subtree (a binding or a bracketed expression) and
shifting the nodes after it in place; every other node keeps its identity.
:func:`apply_edit` performs such an edit and reports the replacement as a
:class:`Splice`; :func:`reanalyse` then brings the previous :class:`Analysis`
up to date by resolving again only a *unit* around the new subtree, and
returns an analysis equal to what :func:`~evaluator.compiler.analyse` would
give (up to the order of lists whose order carries no meaning), or ``None``
when the caller should analyse the whole tree instead.

Why resolving the unit alone is enough: names are lexically scoped, so
what happens outside the unit can depend on it only through

- the names the unit binds in an enclosing scope: an expression unit binds
  none, and a binding unit (one ``a… = …;`` or ``inherit …;`` of a set)
  binds the same names before and after (checked), none of which another
  binding of that set also defines (checked: so the set's merging cannot
  combine the unit with a sibling);
- the references from inside the unit to outer bindings and ``with``s:
  removed with the old unit and added again by resolving the new one, so
  liveness, ``unused-*`` and ``with`` uses follow;
- positions: nodes after the edit were shifted by the parser, and every
  position the analysis stores is re-read from its node.

The unit is resolved in the scope and under the owner recorded for it
(``Resolved.env_of``), with the same resolver as a full analysis. The
whole-file part of the diagnostics (which bindings are used at all) is then
updated from what changed (:func:`evaluator.compiler.diagnostics.refind`);
the rest is read off the updated resolution.
"""

from __future__ import annotations

import copy
from bisect import bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from typing import TypeVar

from evaluator.compiler import Analysis
from evaluator.compiler.bindings import (
    DuplicateAttr,
    InheritEntry,
    InheritSource,
    MergedAttrs,
    ValueEntry,
    unparen,
)
from evaluator.compiler.diagnostics import Change, refind
from evaluator.compiler.model import Binding, BindingKind, LocalRef, Scope, WithRef
from evaluator.compiler.scope import ENV_KINDS, Owner, Resolved, _Resolver, region_of
from evaluator.syntax import ParseResult, nodes
from evaluator.syntax.document import Document, preorder

__all__ = ["Splice", "apply_edit", "reanalyse"]

# A unit larger than this share of the file is not worth patching in.
MAX_UNIT_SHARE = 0.5

_SETS = (nodes.AttrSet, nodes.Let, nodes.LegacyLet)
# Parents whose child an analysis refers to directly (entries, sources,
# formal defaults): such a child is re-analysed with its parent.
_HOLDERS = (nodes.AttrDef, nodes.Inherit, nodes.Formal, nodes.DynamicKey)


@dataclass(eq=False)
class Splice:
    """One subtree replaced by an incremental re-parse.

    ``path`` runs from the root to the parent of ``new`` (nodes that were
    kept); ``old`` is the detached subtree, still with its old offsets;
    everything after ``old.end`` moved by ``delta`` bytes.

    An edit of the whitespace between tokens replaces no subtree: then
    ``moved`` is the byte range ``[a, b)`` it replaced, nodes starting at or
    after ``b`` moved by ``delta``, and ``old`` and ``new`` are the root.
    """

    path: list[nodes.Node]
    old: nodes.Node
    new: nodes.Node
    delta: int
    moved: tuple[int, int] | None = None


# ---------------------------------------------------------------- finding the splice

_Step = tuple[nodes.Node, str, int, nodes.Node]  # parent, field, index (-1: not a list), child
_field_names: dict[type, tuple[str, ...]] = {}


def _fields_of(cls: type) -> tuple[str, ...]:
    names = _field_names.get(cls)
    if names is None:
        names = tuple(f for f in nodes.field_names(cls)[2:] if f != "resolution")
        _field_names[cls] = names
    return names


def _descend(root: nodes.Node, a: int, b: int) -> list[_Step]:
    """The chain of nodes containing ``[a, b)``, as the document's re-parse finds it."""
    steps: list[_Step] = []
    node = root
    while True:
        found: _Step | None = None
        for name in _fields_of(type(node)):
            value = getattr(node, name)
            if isinstance(value, list):
                for i, child in enumerate(value):
                    if isinstance(child, nodes.Node) and child.start <= a and b <= child.end:
                        found = (node, name, i, child)
                        break
            elif isinstance(value, nodes.Node) and value.start <= a and b <= value.end:
                found = (node, name, -1, value)
            if found is not None:
                break
        if found is None:
            return steps
        steps.append(found)
        node = found[3]


def apply_edit(document: Document, start: int, end: int, text: bytes) -> Splice | None:
    """Replace bytes ``[start, end)`` of ``document`` by ``text``.

    Returns the subtree replacement the re-parse made, or ``None`` when the
    document was parsed again as a whole (or the change is not one splice).
    """
    root = document.result.root
    steps = _descend(root, start, end)
    document.replace_bytes(start, end, text)
    kind, new_start, new_end = document.last_reparse
    delta = len(text) - (end - start)
    if kind == "shift" and document.result.root is root:
        return Splice([], root, root, delta, moved=(start, end))
    if kind != "incremental" or document.result.root is not root:
        return None
    for depth, (parent, name, index, child) in enumerate(steps):
        value = getattr(parent, name)
        if index >= 0:
            value = value[index] if index < len(value) else None
        if value is child:
            continue
        if not isinstance(value, nodes.Node) or type(value) is not type(child):
            return None
        if (value.start, value.end) != (new_start, new_end):
            return None
        if child.start != new_start or child.end + delta != new_end:
            return None
        path = [root] + [step[3] for step in steps[:depth]]
        return Splice(path, child, value, delta)
    return None


# ---------------------------------------------------------------- choosing the unit


@dataclass(eq=False)
class _Unit:
    """What is resolved again: an expression, or one binding of a set."""

    node: nodes.Node
    old_node: nodes.Node  # ``node`` before the edit (itself unless it is the new subtree)
    env: tuple[Scope, Owner]
    set_node: nodes.AttrSet | nodes.Let | nodes.LegacyLet | None = None
    merged: MergedAttrs | None = None
    # The set's bindings whose entries a binding unit replaced.
    rebound: list[Binding] = field(default_factory=list)


def _bound_names(binding: nodes.Node) -> list[str] | None:
    """Names a binding defines in its set (``None``: none statically)."""
    if isinstance(binding, nodes.Inherit):
        return [key.name for key in binding.names]
    if isinstance(binding, nodes.AttrDef) and binding.path:
        first = binding.path[0]
        if isinstance(first, nodes.StaticKey):
            return [first.name]
    return None


def _binding_unit(
    resolved: Resolved,
    set_node: nodes.AttrSet | nodes.Let | nodes.LegacyLet,
    old: nodes.Node,
    new: nodes.Node,
) -> _Unit | None:
    """``new`` alone, if it binds what ``old`` bound and nothing a sibling binds."""
    merged = resolved.bindings.get(set_node)
    env = resolved.env_of.get(set_node)
    if merged is None or merged.node is not set_node or env is None:
        return None
    names = _bound_names(new)
    if names is None or names != _bound_names(old) or len(set(names)) != len(names):
        return None
    if isinstance(new, nodes.Inherit):
        if not isinstance(old, nodes.Inherit) or (new.from_ is None) != (old.from_ is None):
            return None
    elif not isinstance(old, nodes.AttrDef):
        return None
    wanted = set(names)
    for sibling in set_node.bindings:
        if sibling is new:
            continue
        for name in _bound_names(sibling) or ():
            if name in wanted:
                return None
    for name in names:
        entry = merged.static.get(name)
        if entry is None or entry.node is not old:
            return None
    return _Unit(new, old, env, set_node, merged)


def _merge_literal(chain: list[nodes.Node], i: int) -> bool:
    """Whether ``chain[i]`` is, through parentheses, an attribute-set value of an ``a = …;``.

    Such a literal may be merged with sibling definitions (``a.b = 1;``).
    """
    if not isinstance(unparen(chain[i]), nodes.AttrSet):
        return False
    j = i - 1
    while j >= 0 and isinstance(chain[j], nodes.Paren):
        j -= 1
    return j >= 0 and isinstance(chain[j], nodes.AttrDef)


def _choose(resolved: Resolved, splice: Splice) -> _Unit | None:
    """The smallest unit around the new subtree that can be resolved alone."""
    chain = [*splice.path, splice.new]
    for i in range(len(chain) - 1, 0, -1):
        node = chain[i]
        parent = chain[i - 1]
        before = splice.old if node is splice.new else node
        if isinstance(node, nodes.AttrDef | nodes.Inherit):
            if isinstance(parent, _SETS):
                unit = _binding_unit(resolved, parent, before, node)
                if unit is not None:
                    return unit
        elif type(node) in ENV_KINDS and not isinstance(parent, _HOLDERS):
            env = resolved.env_of.get(before)
            if env is not None and not _merge_literal(chain, i):
                return _Unit(node, before, env)
    return None


# ---------------------------------------------------------------- re-analysing

T = TypeVar("T")


def _without(
    items: list[T], gone: list[T], added: list[T], start_of: Callable[[T], int]
) -> list[T]:
    """``items`` less ``gone`` (all of which are in it), with ``added`` in their place.

    A full analysis lists what one unit holds together, in walk order, so
    ``gone`` is usually one run of ``items``: found and cut at C speed.
    Otherwise (or with nothing to cut) the items are filtered one by one,
    and ``added`` goes before the first item starting after it.
    """
    at = -1
    if gone:
        ids = {id(x) for x in gone}
        k = items.index(gone[0])
        i = k
        while i > 0 and id(items[i - 1]) in ids:
            i -= 1
        j = k + 1
        n = len(items)
        while j < n and id(items[j]) in ids:
            j += 1
        if j - i == len(ids):
            return [*items[:i], *added, *items[j:]]
        kept: list[T] = []
        for item in items:
            if id(item) in ids:
                if at < 0:
                    at = len(kept)
            else:
                kept.append(item)
    else:
        kept = list(items)
    if added:
        if at < 0:
            first = start_of(added[0])
            at = bisect_right(kept, first, key=start_of)
        kept[at:at] = added
    return kept


def _shift(pos: int, old_end: int, delta: int) -> int:
    return pos + delta if pos >= old_end else pos


def _shifted(dup: DuplicateAttr, old_end: int, delta: int) -> DuplicateAttr:
    return DuplicateAttr(
        path=dup.path,
        span=(_shift(dup.span[0], old_end, delta), _shift(dup.span[1], old_end, delta)),
        prev_pos=_shift(dup.prev_pos, old_end, delta),
        prev_span=(
            _shift(dup.prev_span[0], old_end, delta),
            _shift(dup.prev_span[1], old_end, delta),
        ),
        pos=_shift(dup.pos, old_end, delta),
    )


K = TypeVar("K")


def _replace_keys(table: dict[K, T], gone: Iterable[K], added: dict[K, T]) -> dict[K, T]:
    out = dict(table)
    for key in gone:
        out.pop(key, None)
    out.update(added)
    return out


def _var_start(var: nodes.Var) -> int:
    return var.start


def _scope_start(scope: Scope) -> int:
    return region_of(scope)[0]


def _binding_start(binding: Binding) -> int:
    return binding.name_node.start


def reanalyse(previous: Analysis, result: ParseResult, splice: Splice) -> Analysis | None:
    """``previous`` brought up to date with the edit ``splice`` made (see the module docs).

    ``result`` is the document's parse after the edit. Returns ``None`` when
    the edit is not local enough: analyse the whole tree then. The work is
    proportional to the unit, plus copying the analysis's tables.
    """
    source = result.source
    if result.root is not previous.tree:
        return None
    if splice.moved is not None:
        return _moved(previous, result, splice.moved, splice.delta)
    old = previous.resolved
    unit = _choose(old, splice)
    if unit is None or (unit.node.end - unit.node.start) > MAX_UNIT_SHARE * len(source):
        return None
    gone = _Gone.of(old, unit, splice)
    # 1. Unhook the old references from the bindings, `with`s and owners that stay.
    unhooked = _unhook(old, gone)

    # 2. Resolve the unit again where it was resolved before.
    resolver = _Resolver(source, old.root)
    scope, owner = unit.env
    if unit.set_node is None:
        resolver.stack.append((unit.node, scope, owner))
    else:
        _requeue_binding(resolver, old, unit)
    frag = resolver.drain()

    # 3. The previous findings without the unit's, plus the new ones.
    resolved = _merged(old, gone, frag, splice, unhooked.owned_vars)
    findings = None
    if previous.findings is not None:
        # 4. The whole-file diagnostics, updated from what changed.
        change = _change(old, gone, unit, frag, unhooked)
        findings = refind(previous.findings, resolved, change)
    syntax = [(e.start, e.end, e.message) for e in result.errors]
    return Analysis(
        result.root, source, resolved, syntax=syntax, file=previous.file, findings=findings
    )


def _moved(previous: Analysis, result: ParseResult, edit: tuple[int, int], delta: int) -> Analysis:
    """``previous`` after an edit of the whitespace in ``edit``: nothing but positions changed.

    Nodes were moved in place; only the positions the analysis keeps as
    numbers move here (starts at or after the edit's end, ends after its start).
    """
    a, b = edit
    old = previous.resolved

    def start(pos: int) -> int:
        return pos + delta if pos >= b else pos

    def end(pos: int) -> int:
        return pos + delta if pos > a else pos

    duplicates = [
        DuplicateAttr(
            path=d.path,
            span=(start(d.span[0]), end(d.span[1])),
            prev_pos=start(d.prev_pos),
            prev_span=(start(d.prev_span[0]), end(d.prev_span[1])),
            pos=start(d.pos),
        )
        for d in old.duplicate_attrs
    ]
    for var, site in old.synthetic.items():
        var.start, var.end = site.start, site.end
    resolved = copy.copy(old)  # shallow: the fields are shared, two replaced
    resolved.duplicate_attrs, resolved._regions = duplicates, None
    syntax = [(e.start, e.end, e.message) for e in result.errors]
    return Analysis(
        result.root,
        result.source,
        resolved,
        syntax=syntax,
        file=previous.file,
        findings=previous.findings,
    )


@dataclass
class _Gone:
    """What the unit and the replaced subtree held before the edit."""

    all_nodes: list[nodes.Node]
    ids: set[int]
    scopes: list[Scope]
    scope_ids: set[int]
    bindings: list[Binding]
    vars: list[nodes.Var]
    var_ids: set[int]

    @classmethod
    def of(cls, old: Resolved, unit: _Unit, splice: Splice) -> _Gone:
        gone_nodes = preorder(unit.node)
        if unit.node is not splice.old:
            gone_nodes += preorder(splice.old)
        gone = {id(n) for n in gone_nodes}
        scope_of = old.scope_of
        gone_scopes = [scope_of[n] for n in gone_nodes if n in scope_of]
        gone_bindings = [b for s in gone_scopes for b in s.bindings.values()]
        gone_vars = [n for n in gone_nodes if type(n) is nodes.Var and n in old.owner_of]
        gone_vars += [v for v, site in old.synthetic.items() if id(site) in gone]
        return cls(
            gone_nodes,
            gone,
            gone_scopes,
            {id(s) for s in gone_scopes},
            gone_bindings,
            gone_vars,
            {id(v) for v in gone_vars},
        )

    def owner_gone(self, owner: object) -> bool:
        """Whether ``owner`` (a binding or inherit source) went with the unit."""
        if isinstance(owner, Binding):
            return id(owner.scope) in self.scope_ids
        if isinstance(owner, InheritSource):
            return id(owner.node) in self.ids
        return False


@dataclass
class _Unhooked:
    """Step 1's outcome: who held the gone references, what is gone with them."""

    dropped: dict[int, tuple[Binding | Scope, list[nodes.Var]]]
    owned_vars: dict[object, list[nodes.Var]]
    gone_objects: list[object]


def _unhook(old: Resolved, gone: _Gone) -> _Unhooked:
    """Remove the gone references from the bindings, `with`s and owners that stay."""
    owner_of = old.owner_of
    dropped: dict[int, tuple[Binding | Scope, list[nodes.Var]]] = {}
    unowned: dict[object, list[nodes.Var]] = {}
    gone_objects: list[object] = [*gone.bindings, *gone.scopes]
    for var in gone.vars:
        ref = var.resolution
        owner = owner_of[var]
        if isinstance(ref, LocalRef):
            if id(ref.binding.scope) not in gone.scope_ids:
                dropped.setdefault(id(ref.binding), (ref.binding, []))[1].append(var)
            if owner is not None:
                if gone.owner_gone(owner):
                    gone_objects.append(owner)
                else:
                    unowned.setdefault(owner, []).append(var)
        elif isinstance(ref, WithRef):
            for w in ref.withs:
                if id(w) not in gone.scope_ids:
                    dropped.setdefault(id(w), (w, []))[1].append(var)
    for holder, held in dropped.values():
        if isinstance(holder, Binding):
            holder.references = _without(holder.references, held, [], _var_start)
        else:
            holder.with_uses = _without(holder.with_uses, held, [], _var_start)
    owned_vars = dict(old.owned_vars)
    for holder_obj, held in unowned.items():
        owned_vars[holder_obj] = _without(owned_vars[holder_obj], held, [], _var_start)
    for obj in gone_objects:
        owned_vars.pop(obj, None)
    return _Unhooked(dropped, owned_vars, gone_objects)


def _merged(
    old: Resolved,
    gone: _Gone,
    frag: Resolved,
    splice: Splice,
    owned_vars: dict[object, list[nodes.Var]],
) -> Resolved:
    """The previous resolution without the unit's findings, plus ``frag``'s."""
    gone_nodes = gone.all_nodes
    for holder_obj, held in frag.owned_vars.items():
        owned_vars[holder_obj] = [*owned_vars.get(holder_obj, ()), *held]
    kept_pairs = [p for p in old.owns if not gone.owner_gone(p[0]) and not gone.owner_gone(p[1])]
    kept_roots = [p for p in old.roots if not gone.owner_gone(p[0]) and not gone.owner_gone(p[1])]
    delta = splice.delta
    old_end = splice.old.end
    duplicates = [d for d in old.duplicate_attrs if id(d.path[0]) not in gone.ids]
    synthetic = _replace_keys(old.synthetic, gone.vars, frag.synthetic)
    if delta:
        # Positions the analysis keeps as numbers (the rest is read from nodes).
        duplicates = [_shifted(d, old_end, delta) for d in duplicates]
        for var, site in synthetic.items():
            var.start, var.end = site.start, site.end
    kept = gone.ids
    new = Resolved(old.root)
    new.scopes = _without(old.scopes, gone.scopes, frag.scopes, _scope_start)
    new.scope_of = _replace_keys(old.scope_of, gone_nodes, frag.scope_of)
    new.bindings = _replace_keys(old.bindings, gone_nodes, frag.bindings)
    new.all_bindings = _without(old.all_bindings, gone.bindings, frag.all_bindings, _binding_start)
    new.vars = _without(old.vars, gone.vars, frag.vars, _var_start)
    new.owner_of = _replace_keys(old.owner_of, gone.vars, frag.owner_of)
    new.undefined = [v for v in old.undefined if id(v) not in gone.var_ids] + frag.undefined
    new.duplicate_attrs = duplicates + frag.duplicate_attrs
    new.duplicate_formals = [
        d for d in old.duplicate_formals if id(d.ident) not in kept
    ] + frag.duplicate_formals
    new.dynamic_in_let = [
        d for d in old.dynamic_in_let if id(d.key) not in kept
    ] + frag.dynamic_in_let
    new.empty_lets = [n for n in old.empty_lets if id(n) not in kept] + frag.empty_lets
    new.empty_inherits = [n for n in old.empty_inherits if id(n) not in kept] + frag.empty_inherits
    new.uris = [n for n in old.uris if id(n) not in kept] + frag.uris
    new.legacy_lets = [n for n in old.legacy_lets if id(n) not in kept] + frag.legacy_lets
    new.search_paths = _replace_keys(old.search_paths, gone_nodes, frag.search_paths)  # type: ignore[arg-type]
    new.synthetic = synthetic
    new.owned_vars = owned_vars
    new.owns = kept_pairs + frag.owns
    new.roots = kept_roots + frag.roots
    new.env_of = _replace_keys(old.env_of, gone_nodes, frag.env_of)
    return new


def _change(old: Resolved, gone: _Gone, unit: _Unit, frag: Resolved, unhooked: _Unhooked) -> Change:
    """What the whole-file diagnostics must look at again after the edit."""
    owner_gone = gone.owner_gone
    dropped_pairs = [
        p for pairs in (old.owns, old.roots) for p in pairs if owner_gone(p[0]) or owner_gone(p[1])
    ]
    gone_objects = unhooked.gone_objects
    gone_objects += [obj for p in dropped_pairs for obj in p if owner_gone(obj)]
    rebound = [b for b in unit.rebound if isinstance(b, Binding)]
    gained = [v.resolution for v in frag.vars]
    dropped = unhooked.dropped
    held_bindings = [h for h, _ in dropped.values() if isinstance(h, Binding)]
    held_withs = [h for h, _ in dropped.values() if isinstance(h, Scope)]
    affected: list[object] = [*held_bindings, *frag.all_bindings, *rebound]
    affected += [r.binding for r in gained if isinstance(r, LocalRef)]
    affected += [p[1] for p in (*dropped_pairs, *frag.owns, *frag.roots)]
    affected += frag.owned_vars
    return Change(
        gone=gone_objects,
        new_bindings=frag.all_bindings,
        new_scopes=frag.scopes,
        affected=affected,
        rescan_bindings=rebound,
        rescan_scopes=[
            *held_withs,
            *(w for r in gained if isinstance(r, WithRef) for w in r.withs),
            *(b.scope for b in (*held_bindings, *rebound)),
            *(r.binding.scope for r in gained if isinstance(r, LocalRef)),
        ],
    )


def _requeue_binding(resolver: _Resolver, old: Resolved, unit: _Unit) -> None:
    """Merge the unit's binding again into its set and queue its values.

    The set keeps its :class:`MergedAttrs` and, in a ``let`` or ``rec``,
    its :class:`Binding` objects (references elsewhere point at them):
    their entries are replaced in place, names and order unchanged.
    """
    set_node, merged = unit.set_node, unit.merged
    assert set_node is not None and merged is not None
    fresh = MergedAttrs(node=set_node, rec=merged.rec)
    if isinstance(unit.node, nodes.Inherit):
        resolver.merger._add_inherit(fresh, unit.node)
    else:
        assert isinstance(unit.node, nodes.AttrDef)
        resolver.merger._add_attr(fresh, unit.node)
    for name, entry in fresh.static.items():
        merged.static[name] = entry
    merged.inherit_sources = [
        fresh.inherit_sources[0] if source.node is unit.old_node else source
        for source in merged.inherit_sources
    ]
    outer, owner = unit.env
    inner = old.scope_of.get(set_node)
    kind: BindingKind | None = None
    if isinstance(set_node, nodes.Let | nodes.LegacyLet):
        kind = BindingKind.LET
    elif merged.rec:
        kind = BindingKind.REC_ATTR
    if inner is None or kind is None:
        inner = outer
    else:
        for name, entry in fresh.static.items():
            binding = inner.bindings[name]
            unit.rebound.append(binding)
            binding.node = entry.node
            binding.name_node = entry.key
            binding.entry = entry
            if isinstance(entry, ValueEntry):
                binding.value = entry.value
            elif isinstance(entry, InheritEntry):
                binding.value = entry.var
            else:
                binding.value = None
    resolver._visit_entries(fresh, inner, outer, owner, kind)
