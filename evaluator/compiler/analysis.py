"""Scope analysis: names resolved, diagnostics, queries (re-exported by the package).

:func:`analyse` takes a parse result and returns an :class:`Analysis`: the
tree with every `Var` resolved (see :mod:`evaluator.compiler.scope`), the
merged bindings of every set (:mod:`evaluator.compiler.bindings`, what code
generation compiles), the diagnostics (:mod:`evaluator.compiler.diagnostics`)
and the position queries the language server asks. It works on trees with
error nodes: whatever parsed is resolved.
"""

from __future__ import annotations

from bisect import bisect_right
from operator import itemgetter
from typing import TYPE_CHECKING

from evaluator.compiler.bindings import InheritEntry, MergedAttrs
from evaluator.compiler.globals import NIX_GLOBALS
from evaluator.compiler.model import Binding, LocalRef, Scope, ScopeKind, WithRef
from evaluator.compiler.scope import Resolved, resolve
from evaluator.syntax import ParseResult, nodes
from evaluator.vm.gc_tuning import FRONT_END_GC

if TYPE_CHECKING:
    # Imported where used: compiling a file without errors needs no
    # diagnostics (the module is ~1.4% of a cold `import` of lib).
    from evaluator.compiler.diagnostics import Diagnostic, Findings

__all__ = ["Analysis", "Visible", "analyse", "analyse_to_compile"]


class Visible:
    """Names visible at a position.

    ``names`` maps each visible name to its kind: a `BindingKind` value
    (``"let"``, ``"rec-attr"``, ``"argument"``, ``"formal"``, ``"at"``) or
    ``"global"``; inner bindings hide outer ones. ``bindings`` holds the
    `Binding` of each local name. ``withs`` lists the enclosing ``with``
    scopes, innermost first: they may supply further names at run time.
    """

    def __init__(self) -> None:
        self.names: dict[str, str] = {}
        self.bindings: dict[str, Binding] = {}
        self.withs: list[Scope] = []


class Analysis:
    """The result of :func:`analyse`: resolved tree, diagnostics, queries.

    Diagnostics are computed on first use from the resolved tree, the
    ``syntax`` errors and ``file`` (unless given).
    """

    def __init__(
        self,
        tree: nodes.Node,
        source: bytes,
        resolved: Resolved,
        diags: list[Diagnostic] | None = None,
        *,
        syntax: list[tuple[int, int, str]] | None = None,
        file: str | None = None,
        findings: Findings | None = None,
    ):
        self.tree = tree
        self.source = source
        self.resolved = resolved
        self.file = file
        self._syntax = syntax or []
        self._diagnostics = diags
        # The whole-file part of the diagnostics (kept for incremental updates).
        self.findings = findings
        self.root_scope: Scope = resolved.root
        # Merged bindings per AttrSet / Let / LegacyLet node.
        self.bindings: dict[nodes.Node, MergedAttrs] = resolved.bindings
        # The scope each Let / rec AttrSet / LegacyLet / Lambda / With opens.
        self.scope_of: dict[nodes.Node, Scope] = resolved.scope_of
        # `<p>` -> the resolved `__findFile` and `__nixPath` it calls.
        self.search_paths = resolved.search_paths
        self._sites: list[tuple[int, int, object]] | None = None
        self._site_starts: list[int] = []

    @property
    def diagnostics(self) -> list[Diagnostic]:
        """Syntax errors and the compiler's findings, sorted by position."""
        if self._diagnostics is None:
            from evaluator.compiler.diagnostics import find, report

            with FRONT_END_GC:
                if self.findings is None:
                    self.findings = find(self.resolved)
                self._diagnostics = report(
                    self.resolved, self.findings, self.source, self.file, self._syntax
                )
        return self._diagnostics

    @property
    def has_errors(self) -> bool:
        """Whether any diagnostic is an error (Nix would refuse the file)."""
        from evaluator.compiler.diagnostics import Severity

        return any(d.severity is Severity.ERROR for d in self.diagnostics)

    # ------------------------------------------------------------ position index

    def _index(self) -> list[tuple[int, int, object]]:
        if self._sites is None:
            sites: list[tuple[int, int, object]] = [
                (*b.name_span, b) for b in self.resolved.all_bindings
            ]
            sites += [(v.start, v.end, v) for v in self.resolved.vars]
            # A binding site sorts before a reference at the same span (the
            # name of a plain `inherit x;` in a let/rec is both): the sort is
            # stable and the bindings come first (a key in C: the first hover
            # after an edit of a 50,000-line file builds this index).
            sites.sort(key=itemgetter(0))
            self._sites = sites
            self._site_starts = [s[0] for s in sites]
        return self._sites

    def _sites_at(self, offset: int) -> list[object]:
        """Bindings and `Var`s whose name span holds ``offset`` (or ends there).

        Name spans never overlap, except that a plain ``inherit x;`` in a
        let/rec is both a binding site and a reference (same span).
        """
        sites = self._index()
        starts = self._site_starts
        for probe in (offset, offset - 1):
            i = bisect_right(starts, probe) - 1
            if i < 0:
                continue
            first = starts[i]
            while i > 0 and starts[i - 1] == first:
                i -= 1
            hits = []
            while i < len(sites) and sites[i][0] == first:
                start, end, obj = sites[i]
                if start <= probe < end:
                    hits.append(obj)
                i += 1
            if hits:
                return hits
        return []

    # ------------------------------------------------------------ queries

    def definition_at(self, offset: int) -> Binding | None:
        """The binding the name at ``offset`` refers to (a definition refers to itself).

        On the name of a plain ``inherit x;`` this is the *outer* ``x`` it
        reads. ``None`` for globals, ``with`` lookups and non-names.
        """
        sites = self._sites_at(offset)
        for obj in reversed(sites):  # a reference wins over its binding site
            if isinstance(obj, nodes.Var):
                ref = obj.resolution
                return ref.binding if isinstance(ref, LocalRef) else None
        for obj in sites:
            if isinstance(obj, Binding):
                return obj
        return None

    def binding_at(self, offset: int) -> Binding | None:
        """The binding whose site or reference is under the cursor (for rename/highlight).

        On the name of a plain ``inherit x;`` in a let/rec this is the
        binding that ``inherit`` creates.
        """
        sites = self._sites_at(offset)
        for obj in sites:
            if isinstance(obj, Binding):
                return obj
        for obj in sites:
            if isinstance(obj, nodes.Var) and isinstance(obj.resolution, LocalRef):
                return obj.resolution.binding
        return None

    def var_at(self, offset: int) -> nodes.Var | None:
        """The reference (including the one of ``inherit x;``) under the cursor."""
        for obj in self._sites_at(offset):
            if isinstance(obj, nodes.Var):
                return obj
        return None

    def references(self, binding: Binding) -> list[nodes.Var]:
        """Every `Var` resolved to ``binding`` (``inherit x;`` names included)."""
        return list(binding.references)

    def is_with_resolved(self, var: nodes.Var) -> bool:
        """Whether ``var`` is looked up dynamically through enclosing ``with``s."""
        return isinstance(var.resolution, WithRef)

    def scope_at(self, offset: int) -> Scope:
        """The innermost scope in effect at ``offset`` (the file scope at worst)."""
        best = self.root_scope
        best_key = (-1, 0, -1)
        for i, (start, end) in enumerate(self.resolved.regions):
            if start <= offset <= end:
                # The latest start, then the smallest region, is the innermost.
                key = (start, -end, i)
                if key > best_key:
                    best_key = key
                    best = self.resolved.scopes[i]
        return best

    def visible_names(self, offset: int) -> Visible:
        """Names in scope at ``offset``, with their kinds (see :class:`Visible`)."""
        visible = Visible()
        scope: Scope | None = self.scope_at(offset)
        while scope is not None:
            if scope.kind is ScopeKind.WITH:
                visible.withs.append(scope)
            else:
                for name, binding in scope.bindings.items():
                    if name not in visible.names:
                        visible.names[name] = binding.kind.value
                        visible.bindings[name] = binding
            scope = scope.parent
        for name in sorted(NIX_GLOBALS):
            visible.names.setdefault(name, "global")
        return visible

    def inherited_var(self, binding: Binding) -> nodes.Var | None:
        """For a plain ``inherit x;`` binding, the `Var` reading the outer ``x``."""
        entry = binding.entry
        return entry.var if isinstance(entry, InheritEntry) else None


def analyse(result: ParseResult, file: str | None = None) -> Analysis:
    """Resolve and diagnose a parse result (``evaluator.syntax.parse``'s).

    ``file`` is used in Nix-style messages that name a location
    ("already defined at FILE:LINE:COL"); ``(string)`` when ``None``.
    """
    from evaluator.compiler.diagnostics import find, report

    raw = result.source
    syntax = [(e.start, e.end, e.message) for e in result.errors]
    with FRONT_END_GC:
        resolved = resolve(result.root, raw)
        findings = find(resolved)
        diags = report(resolved, findings, raw, file, syntax)
    return Analysis(result.root, raw, resolved, diags, syntax=syntax, file=file, findings=findings)


def analyse_to_compile(
    result: ParseResult, file: str | None = None, scoped: bool = False
) -> Analysis:
    """The analysis code generation needs, and the errors Nix would report.

    Names are resolved leanly (``resolve(lean=True)``: nothing only the
    diagnostics and the editor read is recorded) and the diagnostics hold
    the errors only: none when the file compiles (syntax errors are the
    caller's, who compiles only what parsed without error). When Nix would refuse the
    file (undefined names outside ``scoped`` files, duplicate attributes or
    formals, dynamic attributes in a `let`), this is the full :func:`analyse`,
    so the error reported is the same.
    """
    with FRONT_END_GC:
        resolved = resolve(result.root, result.source, lean=True)
    if (
        (resolved.undefined and not scoped)
        or resolved.duplicate_attrs
        or resolved.duplicate_formals
        or resolved.dynamic_in_let
    ):
        return analyse(result, file)
    return Analysis(result.root, result.source, resolved, [], file=file)
