"""What a subtree compiled on its own reads from outside: its captures.

Code generation defers large thunks (compiled when first forced) and must
know their captures beforehand, from the tree. A subtree's code is not just
its own text: an attribute-set literal inside it also holds what attribute
paths written elsewhere merged into it (``p.f = { … }; p.f.x = b;`` puts
``x = b`` into the literal, see :mod:`evaluator.compiler.bindings`). So the
region compiled for a node is its span plus those *grafts*, found again
inside each graft, and its captures are the variables read in that region
that resolve to scopes outside it.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Iterator
from operator import attrgetter

from evaluator.compiler.bindings import (
    MergedAttrs,
    NestedEntry,
)
from evaluator.compiler.model import LocalRef, WithRef
from evaluator.compiler.scope import Resolved
from evaluator.syntax import nodes
from evaluator.syntax.regex_cache import compiled

Span = tuple[int, int]

_START = attrgetter("start")
_SEARCH_PATH = compiled(rb"<[A-Za-z0-9._+-]+(/[A-Za-z0-9._+-]+)*>")


def _entry_nodes(merged: MergedAttrs) -> Iterator[nodes.Node]:
    """The definition nodes compiled as part of ``merged`` (nested sets too)."""
    stack = [merged]
    while stack:
        current = stack.pop()
        for entry in current.static.values():
            yield entry.node
            if isinstance(entry, NestedEntry):
                stack.append(entry.attrs)
        for dyn in current.dynamic:
            yield dyn.node
            if isinstance(dyn.value, MergedAttrs):
                stack.append(dyn.value)
        for source in current.inherit_sources:
            yield source.node


def _grafts(resolved: Resolved) -> tuple[list[int], list[tuple[Span, list[Span]]]]:
    """Each set literal that received definitions written outside it: its
    span and theirs, sorted by start."""
    found: list[tuple[Span, list[Span]]] = []
    bindings = resolved.bindings
    entered = resolved.entered
    # Only a literal that a definition outside it walked into can hold
    # entries from outside it: when the resolver says which, just those
    # (most trees have none) instead of every entry of every set.
    candidates = bindings if entered is None else dict.fromkeys(entered)
    for node in candidates:
        merged = bindings.get(node)
        if merged is None or merged.node is not node or type(node) is not nodes.AttrSet:
            continue  # a `let`, or a literal absorbed into another set
        lo, hi = node.start, node.end
        spans = {
            (n.start, n.end) for n in _entry_nodes(merged) if not (lo <= n.start and n.end <= hi)
        }
        if spans:
            found.append(((lo, hi), sorted(spans)))
    found.sort(key=lambda item: item[0])
    return [item[0][0] for item in found], found


class Captures:
    """Computes captures of subtrees of one analysed tree (indexes built once)."""

    def __init__(
        self,
        resolved: Resolved,
        text: bytes,
        binding_name: Callable[[LocalRef], str],
        with_name: Callable[[nodes.Node], str],
        lexical_ref: Callable[[str, int], object],
    ) -> None:
        self.resolved = resolved
        self.text = text
        self.binding_name = binding_name
        self.with_name = with_name
        self.lexical_ref = lexical_ref
        # Stable: variables at one offset (those of `<p>`) keep their order.
        self.vars = sorted(resolved.vars, key=_START)
        self.var_starts = [v.start for v in self.vars]
        self.graft_starts, self.grafts = _grafts(resolved)
        # Each deferred thunk's region is asked for again at every pruning
        # (`Compiler._prune`) and for its captures: it depends on its span only.
        self.regions: dict[Span, list[Span]] = {}

    def keep_only(self, within: Callable[[nodes.Var], bool]) -> None:
        """Forget the variables outside what is left to compile (``within``)."""
        self.vars = [v for v in self.vars if within(v)]
        self.var_starts = [v.start for v in self.vars]

    def region(self, node: nodes.Node) -> list[Span]:
        """The spans whose code compiling ``node`` generates (disjoint; not
        to be changed: one list per span, remembered)."""
        span = (node.start, node.end)
        found = self.regions.get(span)
        if found is None:
            found = self.regions[span] = self._region(span) if self.grafts else [span]
        return found

    def _region(self, span: Span) -> list[Span]:
        region: list[Span] = [span]
        todo = list(region)
        while todo:
            lo, hi = todo.pop()
            i = bisect_left(self.graft_starts, lo)
            while i < len(self.grafts) and self.grafts[i][0][0] < hi:
                (s, e), spans = self.grafts[i]
                i += 1
                if e > hi:
                    continue
                for span in spans:
                    if not _covered(span, region):
                        # Spans nest or are disjoint: drop those this one holds.
                        region = [r for r in region if not _within(r, span)]
                        region.append(span)
                        todo.append(span)
        return region

    def free_vars(self, node: nodes.Node) -> list[str]:
        """Variables the code of ``node`` reads from outside it, in order."""
        region = sorted(self.region(node))  # a copy: `region` is remembered
        out: dict[str, None] = {}
        # Many variables share few references, and references few scopes:
        # each reference is decided once per call, each scope too.
        done: set[object] = set()
        seen: dict[int, bool] = {}
        var_starts, all_vars = self.var_starts, self.vars
        for lo, hi in region:
            a = bisect_left(var_starts, lo)
            b = bisect_left(var_starts, hi)
            if len(region) == 1:
                self._free_in_span(all_vars[a:b], lo, hi, done, out)
            else:
                for var in all_vars[a:b]:
                    res = var.resolution
                    if res in done:
                        continue
                    done.add(res)
                    if type(res) is LocalRef:
                        if self._outside(res.binding.scope.node, region, seen):
                            out[self.binding_name(res)] = None
                    elif type(res) is WithRef:
                        self._with_names(res, region, seen, out)
            if _SEARCH_PATH.search(self.text, lo, hi):
                self._search_paths(lo, hi, lambda s: self._outside(s, region, seen), out)
        return list(out)

    def _free_in_span(
        self, found: list[nodes.Var], lo: int, hi: int, done: set[object], out: dict[str, None]
    ) -> None:
        """`free_vars` of the variables ``found`` in the one span ``lo, hi``
        (most regions): the scope test inline."""
        local_ref, with_ref = LocalRef, WithRef
        for var in found:
            res = var.resolution
            if res in done:
                continue
            done.add(res)
            if type(res) is local_ref:
                scope_node = res.binding.scope.node  # type: ignore[union-attr]
                if scope_node is None or scope_node.start < lo or scope_node.end > hi:
                    out[self.binding_name(res)] = None  # type: ignore[arg-type]
            elif type(res) is with_ref:
                for w in res.withs:  # type: ignore[union-attr]
                    with_node = w.node
                    if with_node is None or with_node.start < lo or with_node.end > hi:
                        out[self.with_name(with_node)] = None  # type: ignore[arg-type]

    def _with_names(
        self, res: WithRef, region: list[Span], seen: dict[int, bool], out: dict[str, None]
    ) -> None:
        for w in res.withs:
            if self._outside(w.node, region, seen):
                out[self.with_name(w.node)] = None  # type: ignore[arg-type]

    @staticmethod
    def _outside(scope_node: nodes.Node | None, region: list[Span], seen: dict[int, bool]) -> bool:
        """Whether a scope's node lies outside ``region`` (``seen``: decided ones)."""
        if scope_node is None:
            return True
        inside = seen.get(id(scope_node))
        if inside is None:
            inside = seen[id(scope_node)] = _covered((scope_node.start, scope_node.end), region)
        return not inside

    def _search_paths(
        self,
        lo: int,
        hi: int,
        outside: Callable[[nodes.Node | None], bool],
        out: dict[str, None],
    ) -> None:
        """`<p>` reads `__findFile` and `__nixPath`, possibly bound lexically."""
        for sp in self.resolved.search_paths:
            if lo <= sp.start < hi:
                for name in ("__findFile", "__nixPath"):
                    ref = self.lexical_ref(name, sp.start)
                    if isinstance(ref, LocalRef) and outside(ref.binding.scope.node):
                        out[self.binding_name(ref)] = None


def _within(inner: Span, outer: Span) -> bool:
    return outer[0] <= inner[0] and inner[1] <= outer[1]


def _covered(span: Span, region: list[Span]) -> bool:
    return any(_within(span, r) for r in region)
