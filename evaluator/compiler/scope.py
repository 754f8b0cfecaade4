"""Static name resolution: every `Var` resolved once, before evaluation.

:func:`resolve` walks the tree with an explicit stack (no Python recursion
proportional to nesting), opens a :class:`~evaluator.compiler.model.Scope`
for each ``let``, ``rec`` set, function and ``with``, and fills
``Var.resolution`` with a `LocalRef`, `WithRef` or `GlobalRef` (``None``
for an undefined name). Scoping follows C++ Nix 2.8:

- ``let`` bindings are mutually recursive; a plain ``inherit x;`` in a
  ``let`` or ``rec`` set reads ``x`` from the scope *around* it, while
  ``inherit (e) x;`` evaluates ``e`` inside it.
- ``rec { }`` puts its static names in scope for its values and for its
  dynamic keys; dynamic keys themselves never bind a name.
- legacy ``let { }`` is a ``rec`` set whose ``body`` attribute is the value.
- a function's formals' defaults see every formal and the ``@`` name.
- ``with e;`` is consulted only for names with no lexical binding at all,
  globals included.
- ``<p>`` reads the names ``__findFile`` and ``__nixPath`` (Nix 2.8 parses
  it as ``__findFile __nixPath "p"``): synthetic `Var`s for them are in
  ``Resolved.search_paths``.

It also records what the diagnostics and the language server need: every
scope with the region where it applies, the merged bindings of every set
node, who "owns" each reference (to tell live uses from uses inside unused
bindings), and the parse-time errors Nix reports besides syntax errors.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from evaluator.compiler.bindings import (
    DuplicateAttr,
    DynamicEntry,
    InheritEntry,
    InheritSource,
    MergedAttrs,
    Merger,
    NestedEntry,
    ValueEntry,
)
from evaluator.compiler.globals import NIX_GLOBALS
from evaluator.compiler.model import (
    Binding,
    BindingKind,
    GlobalRef,
    LocalRef,
    Scope,
    ScopeKind,
    WithRef,
)
from evaluator.syntax import nodes

_O = TypeVar("_O")

_new: Callable[[type[_O]], _O] = object.__new__  # type: ignore[assignment]

# Who a reference belongs to, for liveness: ``None`` is live code; a
# `Binding` (of a let) or an `InheritSource` means "live only if that is".
Owner = Binding | InheritSource | None


class DuplicateFormal:
    """A function argument name given twice (``ident`` is the later one)."""

    __slots__ = ("ident", "first")

    def __init__(self, ident: nodes.Ident, first: nodes.Ident) -> None:
        self.ident = ident
        self.first = first


class Resolved:
    """Everything name resolution found in one tree (filled in by the resolver)."""

    def __init__(self, root: Scope) -> None:
        self.root = root
        # Every scope in creation (pre-)order; `regions` tells where each applies.
        self.scopes: list[Scope] = []
        self.scope_of: dict[nodes.Node, Scope] = {}
        # Merged bindings of each AttrSet / Let / LegacyLet (absorbed literals
        # map to the set they were merged into).
        self.bindings: dict[nodes.Node, MergedAttrs] = {}
        self.all_bindings: list[Binding] = []
        self.vars: list[nodes.Var] = []
        # The owner of each `Var` in `vars`.
        self.owner_of: dict[nodes.Var, Owner] = {}
        # Owner (not None) -> the `Var`s it owns that resolve to a local binding:
        # the liveness edges that references make.
        self.owned_vars: dict[object, list[nodes.Var]] = {}
        self.undefined: list[nodes.Var] = []
        self.duplicate_attrs: list[DuplicateAttr] = []
        self.duplicate_formals: list[DuplicateFormal] = []
        self.dynamic_in_let: list[DynamicEntry] = []
        self.empty_lets: list[nodes.Let] = []
        self.empty_inherits: list[nodes.Inherit] = []
        self.uris: list[nodes.Uri] = []
        self.legacy_lets: list[nodes.LegacyLet] = []
        # `<p>`: the (synthetic) `__findFile` and `__nixPath` variables it reads.
        self.search_paths: dict[nodes.SearchPath, tuple[nodes.Var, nodes.Var]] = {}
        # Every `Var` that is not in the tree (those of `inherit x;` and `<p>`)
        # -> the tree node it stands for (the inherited name, the `<p>`).
        self.synthetic: dict[nodes.Var, nodes.Node] = {}
        # Liveness edges (owner, target): the owner makes the target live.
        self.owns: list[tuple[Owner, Binding | InheritSource]] = []
        # Bindings that are live regardless of references (legacy `body`).
        self.roots: list[tuple[Owner, Binding]] = []
        # The scope and owner each list, paren, set, let and function was
        # resolved in: where re-analysing it after an edit starts.
        self.env_of: dict[nodes.Node, tuple[Scope, Owner]] = {}
        # The set literals that definitions outside them were merged into
        # (`Merger.entered`); None when not known (a spliced analysis).
        self.entered: list[nodes.AttrSet] | None = None
        self._regions: list[tuple[int, int]] | None = None

    @property
    def regions(self) -> list[tuple[int, int]]:
        """The byte region where each scope of `scopes` applies (computed once)."""
        if self._regions is None or len(self._regions) != len(self.scopes):
            self._regions = [region_of(s) for s in self.scopes]
        return self._regions


def region_of(scope: Scope) -> tuple[int, int]:
    """Where ``scope`` applies: its node, or for ``with e;`` after ``e``."""
    node = scope.node
    if node is None:
        return (0, 0)
    if isinstance(node, nodes.With):
        return (node.env.end, node.end)
    return (node.start, node.end)


# Work items on the explicit stack: (what, scope, owner). ``what`` is an
# expression node, or a nested MergedAttrs whose entries live in ``scope``.
_Item = tuple[object, Scope, Owner]


# Nodes whose environment is recorded (`Resolved.env_of`).
ENV_KINDS: frozenset[type] = frozenset(
    (nodes.List, nodes.Paren, nodes.AttrSet, nodes.Let, nodes.LegacyLet, nodes.Lambda)
)


class _Resolver:
    def __init__(
        self, source: bytes | None, root: Scope | None = None, *, lean: bool = False
    ) -> None:
        # A resolver may also work on part of an analysed tree (`root` is
        # then that tree's file scope; see evaluator.compiler.incremental).
        self.root = root if root is not None else Scope(ScopeKind.FILE, None, None)
        self.out = Resolved(root=self.root)
        # Lean (compiling only, see `resolve`): nothing only diagnostics and
        # the editor read is recorded.
        self.full = not lean
        self.merger = Merger(source)
        self.stack: list[_Item] = []
        self.local_refs: dict[Binding, LocalRef] = {}
        self.with_refs: dict[int, WithRef] = {}
        # id(scope) -> the innermost `with` a dynamic lookup from it starts at
        # (None: no enclosing `with`); filled as scopes are met.
        self.innermost_with: dict[int, Scope | None] = {}
        self.global_refs: dict[str, GlobalRef] = {}

    # ------------------------------------------------------------ scopes

    def _innermost_with(self, scope: Scope) -> Scope | None:
        found = self.innermost_with.get(id(scope), scope)
        if found is not scope or scope.kind is ScopeKind.WITH:
            return found
        # A scope made before this resolver ran (the part being re-analysed
        # sits inside it): walk up once and remember.
        s: Scope | None = scope
        while s is not None and s.kind is not ScopeKind.WITH:
            s = s.parent
        self.innermost_with[id(scope)] = s
        return s

    def _scope(self, kind: ScopeKind, node: nodes.Node, parent: Scope) -> Scope:
        scope = Scope(kind, node, parent)
        if kind is ScopeKind.WITH:
            self.innermost_with[id(scope)] = scope
        else:
            # `_innermost_with(parent)`, its common case inline (one per scope).
            found = self.innermost_with.get(id(parent), parent)
            if found is parent and parent.kind is not ScopeKind.WITH:
                found = self._innermost_with(parent)
            self.innermost_with[id(scope)] = found
        self.out.scopes.append(scope)
        if self.full:
            self.out.scope_of[node] = scope
        return scope

    def _bind(
        self,
        scope: Scope,
        name: str,
        kind: BindingKind,
        node: nodes.Node,
        span: nodes.Node,
        value: nodes.Node | None = None,
        entry: object | None = None,
    ) -> Binding:
        # Made without calling the class (keyword arguments to an `__init__`
        # of eight parameters): one per name bound, a tenth of resolving.
        binding = _new(Binding)
        binding.name = name
        binding.kind = kind
        binding.scope = scope
        binding.node = node
        binding.name_node = span
        binding.value = value
        binding.references = []
        binding.entry = entry
        scope.bindings[name] = binding
        if self.full:
            self.out.all_bindings.append(binding)
        return binding

    # ------------------------------------------------------------ resolution

    def _resolve(self, var: nodes.Var, scope: Scope, owner: Owner) -> None:
        name = var.name
        s: Scope | None = scope
        while s is not None:
            # `with` scopes have no bindings, so the walk need not test kinds.
            binding = s.bindings.get(name)
            if binding is not None:
                ref = self.local_refs.get(binding)
                if ref is None:
                    ref = self.local_refs[binding] = LocalRef(binding)
                var.resolution = ref
                self.out.vars.append(var)
                if not self.full:
                    return
                binding.references.append(var)
                self.out.owner_of[var] = owner
                if owner is not None:
                    owned = self.out.owned_vars.get(owner)
                    if owned is None:
                        self.out.owned_vars[owner] = [var]
                    else:
                        owned.append(var)
                return
            s = s.parent
        self._resolve_free(var, scope, owner)

    def _resolve_free(self, var: nodes.Var, scope: Scope, owner: Owner) -> None:
        """Resolve ``var``, which no enclosing scope binds: a global, a `with`
        name, or undefined."""
        name = var.name
        if name in NIX_GLOBALS:
            gref = self.global_refs.get(name)
            if gref is None:
                gref = self.global_refs[name] = GlobalRef(name)
            var.resolution = gref
        else:
            innermost = self._innermost_with(scope)
            if innermost is not None:
                wref = self.with_refs.get(id(innermost))
                if wref is None:
                    wref = self.with_refs[id(innermost)] = WithRef(_withs_from(innermost))
                var.resolution = wref
                if self.full:
                    for w in wref.withs:
                        w.with_uses.append(var)
            else:
                var.resolution = None
                self.out.undefined.append(var)
        self.out.vars.append(var)
        if self.full:
            self.out.owner_of[var] = owner

    def _own(self, owner: Owner, target: Binding | InheritSource) -> None:
        if self.full:
            self.out.owns.append((owner, target))

    # ------------------------------------------------------------ walking

    def run(self, root: nodes.Node) -> Resolved:
        self.stack.append((root, self.root, None))
        return self.drain()

    def drain(self) -> Resolved:
        """Resolve everything queued on the stack (and all it leads to)."""
        stack = self.stack
        push = stack.append
        visit_set = self._visit_set
        env_of = self.out.env_of
        full = self.full
        lean = not full
        local_refs = self.local_refs
        add_var = self.out.vars.append
        # The node classes as locals: each test below is then one `is`.
        Var, Str, Path, Apply, List = nodes.Var, nodes.Str, nodes.Path, nodes.Apply, nodes.List
        Paren, Select, Binary, AttrSet = nodes.Paren, nodes.Select, nodes.Binary, nodes.AttrSet
        Let, LegacyLet, Lambda, With = nodes.Let, nodes.LegacyLet, nodes.Lambda, nodes.With
        DynamicKey = nodes.DynamicKey
        while stack:
            what, scope, owner = stack.pop()
            t = type(what)
            if full and t in ENV_KINDS:
                env_of[what] = (scope, owner)  # type: ignore[index]
            # Most frequent kinds first (names, strings, calls, lists).
            if t is Var:
                if lean:  # `_resolve` inline for a local name (most names)
                    name = what.name  # type: ignore[attr-defined]
                    s: Scope | None = scope
                    while s is not None:
                        binding = s.bindings.get(name)
                        if binding is not None:
                            ref = local_refs.get(binding)
                            if ref is None:
                                ref = local_refs[binding] = LocalRef(binding)
                            what.resolution = ref  # type: ignore[attr-defined]
                            add_var(what)  # type: ignore[arg-type]
                            break
                        s = s.parent
                    else:
                        self._resolve_free(what, scope, owner)  # type: ignore[arg-type]
                else:
                    self._resolve(what, scope, owner)  # type: ignore[arg-type]
            elif t is Str or t is Path:
                parts = what.parts  # type: ignore[attr-defined]
                for part in reversed(parts):
                    if type(part) is not str:
                        push((part, scope, owner))
            elif t is Apply:
                app: nodes.Apply = what  # type: ignore[assignment]
                push((app.arg, scope, owner))
                push((app.fn, scope, owner))
            elif t is List:
                for item in reversed(what.items):  # type: ignore[attr-defined]
                    push((item, scope, owner))
            elif t is Paren:
                push((what.expr, scope, owner))  # type: ignore[attr-defined]
            elif t is Select:
                sel: nodes.Select = what  # type: ignore[assignment]
                if sel.default is not None:
                    push((sel.default, scope, owner))
                for key in reversed(sel.path):  # dynamic keys are evaluated
                    if type(key) is DynamicKey:
                        push((key.expr, scope, owner))  # type: ignore[union-attr]
                push((sel.expr, scope, owner))
            elif t is Binary:
                bin_: nodes.Binary = what  # type: ignore[assignment]
                push((bin_.right, scope, owner))
                push((bin_.left, scope, owner))
            elif t is AttrSet or t is Let or t is LegacyLet:
                visit_set(what, scope, owner)  # type: ignore[arg-type]
            elif t is Lambda:
                self._visit_lambda(what, scope, owner)  # type: ignore[arg-type]
            elif t is With:
                w: nodes.With = what  # type: ignore[assignment]
                # Applies from the end of the environment expression on (`region_of`).
                inner = self._scope(ScopeKind.WITH, w, scope)
                push((w.body, inner, owner))
                push((w.env, scope, owner))
            elif t is MergedAttrs:
                self._visit_entries(what, scope, scope, owner, None)  # type: ignore[arg-type]
            elif t is nodes.SearchPath:
                # Nix 2.8 reads `<p>` as `__findFile __nixPath "p"`, both
                # names resolved lexically (a let may override them).
                sp: nodes.SearchPath = what  # type: ignore[assignment]
                find = nodes.Var(sp.start, sp.end, "__findFile")
                path = nodes.Var(sp.start, sp.end, "__nixPath")
                self.out.search_paths[sp] = (find, path)
                self.out.synthetic[find] = sp
                self.out.synthetic[path] = sp
                self._resolve(find, scope, owner)
                self._resolve(path, scope, owner)
            elif t is nodes.Uri:
                self.out.uris.append(what)  # type: ignore[arg-type]
            elif isinstance(what, nodes.Node):
                for child in reversed(list(self._children(what))):
                    push((child, scope, owner))
        for lit, into in self.merger.absorbed_into.items():
            self.out.bindings[lit] = into
        self.out.duplicate_attrs = self.merger.problems
        self.out.empty_inherits = self.merger.empty_inherits
        self.out.entered = self.merger.entered
        return self.out

    @staticmethod
    def _children(node: nodes.Node) -> list[nodes.Node]:
        t = type(node)
        if t is nodes.Paren or t is nodes.Unary:
            return [node.expr]  # type: ignore[attr-defined]
        if t is nodes.If:
            return [node.cond, node.then, node.else_]  # type: ignore[attr-defined]
        if t is nodes.Assert:
            return [node.cond, node.body]  # type: ignore[attr-defined]
        if t is nodes.List:
            return node.items  # type: ignore[attr-defined, no-any-return]
        if t is nodes.HasAttr:
            keys = [k.expr for k in node.path if isinstance(k, nodes.DynamicKey)]  # type: ignore[attr-defined]
            return [node.expr, *keys]  # type: ignore[attr-defined]
        if t in _LEAVES:
            return []
        return list(node.children())

    # ------------------------------------------------------------ sets

    def _visit_set(
        self, node: nodes.AttrSet | nodes.Let | nodes.LegacyLet, scope: Scope, owner: Owner
    ) -> None:
        merged = self.merger.attrs_of(node)
        self.out.bindings[node] = merged
        if isinstance(node, nodes.Let):
            if not node.bindings:
                self.out.empty_lets.append(node)
            self.out.dynamic_in_let.extend(merged.dynamic)
            inner = self._scope(ScopeKind.LET, node, scope)
            self.stack.append((node.body, inner, owner))
            self._visit_entries(merged, inner, scope, owner, BindingKind.LET, define=True)
        elif isinstance(node, nodes.LegacyLet):
            self.out.legacy_lets.append(node)
            inner = self._scope(ScopeKind.LET, node, scope)
            self._define(merged, inner, BindingKind.LET)
            body = inner.bindings.get("body")
            if body is not None:
                self.out.roots.append((owner, body))
            self._visit_entries(merged, inner, scope, owner, BindingKind.LET)
        elif merged.rec:
            inner = self._scope(ScopeKind.REC, node, scope)
            self._visit_entries(merged, inner, scope, owner, BindingKind.REC_ATTR, define=True)
        else:
            self._visit_entries(merged, scope, scope, owner, None)

    def _define(self, merged: MergedAttrs, scope: Scope, kind: BindingKind) -> None:
        for name, entry in merged.static.items():
            value: nodes.Node | None = None
            if isinstance(entry, ValueEntry):
                value = entry.value
            elif isinstance(entry, InheritEntry):
                value = entry.var
            self._bind(scope, name, kind, entry.node, entry.key, value, entry)

    def _visit_entries(
        self,
        merged: MergedAttrs,
        scope: Scope,
        outer: Scope,
        owner: Owner,
        kind: BindingKind | None,
        *,
        define: bool = False,
    ) -> None:
        """Queue the values of ``merged``: evaluated in ``scope``; plain
        inherits read ``outer``. In a let, each value belongs to its binding.
        ``define``: first bind each static name in ``scope`` as ``kind``
        (what :meth:`_define` does, in the same pass over the names)."""
        items: list[_Item] = []
        owns = kind is BindingKind.LET
        for source in merged.inherit_sources:
            items.append((source.expr, scope, source))
        for name, entry in merged.static.items():
            entry_owner: Owner = owner
            if define:
                value: nodes.Node | None = None
                if isinstance(entry, ValueEntry):
                    value = entry.value
                elif isinstance(entry, InheritEntry):
                    value = entry.var
                binding = self._bind(scope, name, kind, entry.node, entry.key, value, entry)  # type: ignore[arg-type]
                if owns:
                    entry_owner = binding
            elif owns:
                entry_owner = scope.bindings[name]
            if isinstance(entry, ValueEntry):
                items.append((entry.value, scope, entry_owner))
            elif isinstance(entry, InheritEntry):
                if entry.var is not None:
                    self.out.synthetic[entry.var] = entry.key
                    items.append((entry.var, outer, entry_owner))
                elif entry.source is not None:
                    self._own(entry_owner, entry.source)
            elif isinstance(entry, NestedEntry):
                items.append((entry.attrs, scope, entry_owner))
        for dyn in (*merged.dynamic, *merged.dropped):
            items.append((dyn.key.expr, scope, owner))
            items.append((dyn.value, scope, owner))
        for rejected in merged.rejected:
            if isinstance(rejected, ValueEntry):
                items.append((rejected.value, scope, owner))
            elif isinstance(rejected, InheritEntry):
                if rejected.var is not None:
                    self.out.synthetic[rejected.var] = rejected.key
                    items.append((rejected.var, outer, owner))
            elif isinstance(rejected, NestedEntry):
                items.append((rejected.attrs, scope, owner))
            else:
                items.append((rejected, scope, owner))
        # Sources outside a let are live whenever the set is.
        if not owns:
            for source in merged.inherit_sources:
                self._own(owner, source)
        items.reverse()
        self.stack.extend(items)

    # ------------------------------------------------------------ functions

    def _visit_lambda(self, node: nodes.Lambda, scope: Scope, owner: Owner) -> None:
        inner = self._scope(ScopeKind.LAMBDA, node, scope)
        formals = node.formals
        param = node.param
        seen: dict[str, nodes.Ident] = {}
        if formals is not None:
            for formal in formals.entries:
                ident = formal.name
                first = seen.get(ident.name)
                if first is not None:
                    self.out.duplicate_formals.append(DuplicateFormal(ident, first))
                    continue
                seen[ident.name] = ident
                self._bind(inner, ident.name, BindingKind.FORMAL, formal, ident, formal.default)
        if param is not None:
            clash = seen.get(param.name)
            if clash is not None:
                self.out.duplicate_formals.append(DuplicateFormal(param, clash))
            else:
                kind = BindingKind.ARGUMENT if formals is None else BindingKind.AT
                self._bind(inner, param.name, kind, param, param)
        self.stack.append((node.body, inner, owner))
        if formals is not None:
            for formal in reversed(formals.entries):
                if formal.default is not None:
                    self.stack.append((formal.default, inner, owner))


def _withs_from(innermost: Scope) -> tuple[Scope, ...]:
    withs = []
    scope: Scope | None = innermost
    while scope is not None:
        if scope.kind is ScopeKind.WITH:
            withs.append(scope)
        scope = scope.parent
    return tuple(withs)


_LEAVES = (
    nodes.Int,
    nodes.Float,
    nodes.CurPos,
    nodes.Error,
    nodes.Ident,
    nodes.StaticKey,
)


def resolve(root: nodes.Node, source: bytes | None = None, *, lean: bool = False) -> Resolved:
    """Resolve every name in the tree under ``root`` (see the module docs).

    ``source`` (the parsed bytes) lets positions in messages match Nix's.
    ``lean``: for compiling only. Every `Var` is resolved the same, and
    ``vars``, ``scopes``, ``bindings``, ``search_paths`` and the errors Nix
    reports (``undefined``, ``duplicate_attrs``, ``duplicate_formals``,
    ``dynamic_in_let``) are the same; what only liveness, positions and
    incremental updates read (``scope_of``, ``all_bindings``, ``owner_of``,
    ``owned_vars``, ``owns``, ``env_of``, each binding's ``references``, each
    ``with``'s ``with_uses``) stays empty.
    """
    return _Resolver(source, lean=lean).run(root)


def live_bindings(resolved: Resolved) -> set[object]:
    """The bindings (and inherit sources) reached from live code.

    A reference inside the value of a ``let`` binding only counts if that
    binding is itself live, so a binding used only by unused bindings is
    unused too (and cycles of unused bindings are all unused).
    """
    live: set[object] = set()
    work: list[object] = []
    target: object
    for var, owner in resolved.owner_of.items():
        if owner is None:
            ref = var.resolution
            if type(ref) is LocalRef:
                target = ref.binding
                if target not in live:
                    live.add(target)
                    work.append(target)
    pairs = pairs_by_owner(resolved)
    for target in pairs.get(None, ()):
        if target not in live:
            live.add(target)
            work.append(target)
    owned = resolved.owned_vars
    while work:
        current = work.pop()
        for var in owned.get(current, ()):
            target = var.resolution.binding  # type: ignore[attr-defined]
            if target not in live:
                live.add(target)
                work.append(target)
        for target in pairs.get(current, ()):
            if target not in live:
                live.add(target)
                work.append(target)
    return live


def pairs_by_owner(resolved: Resolved) -> dict[object, list[object]]:
    """Liveness edges that are not references (``inherit (e)`` sources, legacy ``body``)."""
    out: dict[object, list[object]] = {}
    for owner, target in (*resolved.owns, *resolved.roots):
        out.setdefault(owner, []).append(target)
    return out
