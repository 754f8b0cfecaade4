"""Static diagnostics: stable codes, severities, spans, tags.

Codes are part of the interface (settings and tools refer to them), so they
are spelled here once. Spans are byte offsets into the source, like the
syntax tree's; the server converts them to LSP positions. Tags and
severities are plain enums: the server maps them to LSP values.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass, field
from enum import Enum

from evaluator.compiler.bindings import InheritEntry, unparen
from evaluator.compiler.globals import NIX_GLOBALS
from evaluator.compiler.model import Binding, BindingKind, GlobalRef, Scope, ScopeKind
from evaluator.compiler.scope import Resolved, live_bindings, pairs_by_owner
from evaluator.syntax import nodes


class Severity(Enum):
    """How serious a diagnostic is (the LSP's four levels)."""

    ERROR = "error"
    WARNING = "warning"
    INFORMATION = "information"
    HINT = "hint"


class Tag(Enum):
    """Extra rendering hints (LSP DiagnosticTag)."""

    UNNECESSARY = "unnecessary"
    DEPRECATED = "deprecated"


SYNTAX_ERROR = "syntax-error"
UNDEFINED_VARIABLE = "undefined-variable"
UNUSED_BINDING = "unused-binding"
UNUSED_ARGUMENT = "unused-argument"
UNUSED_WITH = "unused-with"
UNUSED_REC = "unused-rec"
DUPLICATE_ATTRIBUTE = "duplicate-attribute"
DYNAMIC_ATTRIBUTE_IN_LET = "dynamic-attribute-in-let"
SHADOWED_BUILTIN = "shadowed-builtin"
EMPTY_LET = "empty-let"
EMPTY_INHERIT = "empty-inherit"
DEPRECATED_URL_LITERAL = "deprecated-url-literal"
DEPRECATED_LET_BLOCK = "deprecated-let-block"

# code -> (default severity, tags)
CODES: dict[str, tuple[Severity, tuple[Tag, ...]]] = {
    SYNTAX_ERROR: (Severity.ERROR, ()),
    UNDEFINED_VARIABLE: (Severity.ERROR, ()),
    UNUSED_BINDING: (Severity.WARNING, (Tag.UNNECESSARY,)),
    # Unused function arguments are idiomatic (`{ lib, pkgs, ... }:` modules,
    # `final: prev:` overlays, callbacks): a faded hint, as nixd does.
    UNUSED_ARGUMENT: (Severity.HINT, (Tag.UNNECESSARY,)),
    UNUSED_WITH: (Severity.WARNING, (Tag.UNNECESSARY,)),
    UNUSED_REC: (Severity.WARNING, (Tag.UNNECESSARY,)),
    DUPLICATE_ATTRIBUTE: (Severity.ERROR, ()),
    DYNAMIC_ATTRIBUTE_IN_LET: (Severity.ERROR, ()),
    SHADOWED_BUILTIN: (Severity.WARNING, ()),
    EMPTY_LET: (Severity.HINT, (Tag.UNNECESSARY,)),
    EMPTY_INHERIT: (Severity.HINT, (Tag.UNNECESSARY,)),
    DEPRECATED_URL_LITERAL: (Severity.WARNING, (Tag.DEPRECATED,)),
    DEPRECATED_LET_BLOCK: (Severity.WARNING, (Tag.DEPRECATED,)),
}


@dataclass(frozen=True, slots=True)
class Related:
    """A second location that explains a diagnostic ("first defined here")."""

    start: int
    end: int
    message: str


@dataclass(frozen=True, slots=True)
class Diagnostic:
    """One finding: ``[start, end)`` are byte offsets into the source."""

    code: str
    severity: Severity
    start: int
    end: int
    message: str
    tags: tuple[Tag, ...] = ()
    related: tuple[Related, ...] = field(default=())


def make(
    code: str,
    start: int,
    end: int,
    message: str,
    *,
    severity: Severity | None = None,
    related: tuple[Related, ...] = (),
) -> Diagnostic:
    """A diagnostic with the code's default severity (unless given) and tags."""
    default, tags = CODES[code]
    return Diagnostic(code, severity or default, start, end, message, tags, related)


_NEWLINE = re.compile(b"\n")


class LineIndex:
    """Byte offset -> (1-based line, 1-based byte column), as Nix counts them.

    The line table is built on first use.
    """

    def __init__(self, source: bytes) -> None:
        self._source = source
        self._starts: list[int] | None = None

    def line_col(self, offset: int) -> tuple[int, int]:
        """1-based line and column of ``offset``."""
        starts = self._starts
        if starts is None:
            starts = [0]
            starts.extend(m.end() for m in _NEWLINE.finditer(self._source))
            self._starts = starts
        line = bisect_right(starts, offset) - 1
        return line + 1, offset - starts[line] + 1


# ---------------------------------------------------------------- producing them


def _where(index: LineIndex, file: str | None, offset: int) -> str:
    line, col = index.line_col(offset)
    return f"{file or '(string)'}:{line}:{col}"


def _path_text(source: bytes, path: list[nodes.AttrKey]) -> str:
    # Nix prints a dynamic component as "${expr}".
    parts = []
    for key in path:
        if isinstance(key, nodes.StaticKey):
            parts.append(key.name)
        else:
            text = source[key.expr.start : key.expr.end].decode("utf-8", "replace")
            parts.append('"${' + text + '}"')
    return ".".join(parts)


def _inherits_same_global(binding: Binding) -> bool:
    """``inherit map;`` / ``inherit (builtins) map;``: the builtin itself, renamed to itself."""
    entry = binding.entry
    if not isinstance(entry, InheritEntry):
        return False
    if entry.var is not None:
        ref = entry.var.resolution
        return isinstance(ref, GlobalRef) and ref.name == binding.name
    if entry.source is not None:
        src = unparen(entry.source.expr)
        return (
            isinstance(src, nodes.Var)
            and isinstance(src.resolution, GlobalRef)
            and src.resolution.name == "builtins"
        )
    return False


@dataclass(eq=False)
class Findings:
    """The diagnostics that depend on the whole file, by subject.

    Whether a binding is unused depends on every reference to it, and on
    whether the bindings those references sit in are themselves used.
    These are kept between analyses so an edit can update them (see
    :func:`refind`): ``live`` holds the live bindings and inherit sources,
    ``unused`` the bindings reported as unused, ``shadowing`` those named
    like a builtin, ``idle`` the ``with``/``rec`` scopes reported as unused.
    """

    live: set[object]
    unused: set[Binding]
    shadowing: set[Binding]
    idle: set[Scope]


@dataclass(eq=False)
class Change:
    """What an incremental re-analysis changed (see :func:`refind`).

    ``gone`` lists the bindings, scopes and inherit sources that no longer
    exist; ``new_bindings`` / ``new_scopes`` those made by resolving the
    edited part again; ``affected`` the bindings and sources whose
    incoming liveness edges changed; ``rescan_bindings`` / ``rescan_scopes``
    existing ones whose own findings may have changed.
    """

    gone: list[object]
    new_bindings: list[Binding]
    new_scopes: list[Scope]
    affected: list[object]
    rescan_bindings: list[Binding]
    rescan_scopes: list[Scope]


def diagnose(
    resolved: Resolved,
    source: bytes,
    file: str | None = None,
    syntax_errors: list[tuple[int, int, str]] | None = None,
) -> list[Diagnostic]:
    """All static diagnostics of one resolved tree, sorted by position.

    ``file`` names the file in Nix-style "already defined at FILE:L:C"
    messages (``(string)`` when ``None``, as Nix says for stdin).
    """
    return report(resolved, find(resolved), source, file, syntax_errors)


def find(resolved: Resolved) -> Findings:
    """The whole-file findings of a resolved tree, from scratch."""
    live = live_bindings(resolved)
    unused = {b for b in resolved.all_bindings if b not in live and _reportable(b)}
    shadowing = {b for b in resolved.all_bindings if _shadows(b)}
    idle = {s for s in resolved.scopes if _idle(s)}
    return Findings(live, unused, shadowing, idle)


def refind(previous: Findings, resolved: Resolved, change: Change) -> Findings:
    """``previous`` updated for an edit (``resolved`` is the tree after it).

    Only the bindings downstream of a changed liveness edge can change
    liveness: a path from live code that used a removed edge continues,
    after the last such edge, from a binding in ``change.affected``, and a
    new path starts at an added edge, whose target is affected too. Their
    liveness is recomputed from the edges into that region; everything
    else keeps its previous liveness.
    """
    live = set(previous.live)
    unused = set(previous.unused)
    shadowing = set(previous.shadowing)
    idle = set(previous.idle)
    for obj in change.gone:
        live.discard(obj)
        unused.discard(obj)  # type: ignore[arg-type]
        shadowing.discard(obj)  # type: ignore[arg-type]
        idle.discard(obj)  # type: ignore[arg-type]
    pairs = pairs_by_owner(resolved)
    owned = resolved.owned_vars
    # The region whose liveness may change: everything reachable from `affected`.
    region: set[object] = set()
    work = list(change.affected)
    while work:
        current = work.pop()
        if current in region:
            continue
        region.add(current)
        for var in owned.get(current, ()):
            work.append(var.resolution.binding)  # type: ignore[attr-defined]
        work.extend(pairs.get(current, ()))
    # Its live part: reached from outside it (whose liveness stands) or from live code.
    into: dict[object, list[object]] = {}
    for owner, targets in pairs.items():
        for target in targets:
            if target in region:
                into.setdefault(target, []).append(owner)
    owner_of = resolved.owner_of

    def reached_from_outside(obj: object) -> bool:
        for owner in into.get(obj, ()):
            if owner is None or (owner not in region and owner in live):
                return True
        if isinstance(obj, Binding):
            for var in obj.references:
                owner = owner_of[var]
                if owner is None or (owner not in region and owner in live):
                    return True
        return False

    reached = {obj for obj in region if reached_from_outside(obj)}
    work = list(reached)
    while work:
        current = work.pop()
        for var in owned.get(current, ()):
            target = var.resolution.binding  # type: ignore[attr-defined]
            if target in region and target not in reached:
                reached.add(target)
                work.append(target)
        for target in pairs.get(current, ()):
            if target in region and target not in reached:
                reached.add(target)
                work.append(target)
    recheck: set[Binding] = set(change.new_bindings)
    for obj in region:
        was = obj in live
        if (obj in reached) != was:
            if was:
                live.discard(obj)
            else:
                live.add(obj)
            if isinstance(obj, Binding):
                recheck.add(obj)
    for binding in recheck:
        if binding not in live and _reportable(binding):
            unused.add(binding)
        else:
            unused.discard(binding)
    for binding in (*change.new_bindings, *change.rescan_bindings):
        if _shadows(binding):
            shadowing.add(binding)
        else:
            shadowing.discard(binding)
    for scope in (*change.new_scopes, *change.rescan_scopes):
        if _idle(scope):
            idle.add(scope)
        else:
            idle.discard(scope)
    return Findings(live, unused, shadowing, idle)


def report(
    resolved: Resolved,
    findings: Findings,
    source: bytes,
    file: str | None = None,
    syntax_errors: list[tuple[int, int, str]] | None = None,
) -> list[Diagnostic]:
    """The diagnostics of a resolved tree and its findings, sorted by position."""
    index = LineIndex(source)
    out: list[Diagnostic] = []
    add = out.append
    for start, end, message in syntax_errors or ():
        add(make(SYNTAX_ERROR, start, end, message))
    for var in resolved.undefined:
        add(make(UNDEFINED_VARIABLE, var.start, var.end, f"undefined variable '{var.name}'"))
    for dup in resolved.duplicate_attrs:
        where = _where(index, file, dup.prev_pos)
        add(
            make(
                DUPLICATE_ATTRIBUTE,
                dup.span[0],
                dup.span[1],
                f"attribute '{_path_text(source, dup.path)}' already defined at {where}",
                related=(Related(dup.prev_span[0], dup.prev_span[1], "first defined here"),),
            )
        )
    for formal in resolved.duplicate_formals:
        add(
            make(
                DUPLICATE_ATTRIBUTE,
                formal.ident.start,
                formal.ident.end,
                f"duplicate formal function argument '{formal.ident.name}'",
                related=(Related(formal.first.start, formal.first.end, "first defined here"),),
            )
        )
    for dyn in resolved.dynamic_in_let:
        add(
            make(
                DYNAMIC_ATTRIBUTE_IN_LET,
                dyn.key.start,
                dyn.key.end,
                "dynamic attributes not allowed in let",
            )
        )
    for binding in findings.unused:
        add(_unused_diagnostic(binding, findings.live))
    for binding in findings.shadowing:
        start, end = binding.name_span
        add(
            make(
                SHADOWED_BUILTIN,
                start,
                end,
                f"'{binding.name}' shadows the builtin of the same name",
            )
        )
    for scope in findings.idle:
        add(_idle_diagnostic(scope))
    # A binding list the parser had to drop parts of is not "empty".
    broken = sorted(start for start, _, _ in syntax_errors or ())

    def intact(start: int, end: int) -> bool:
        i = bisect_left(broken, start)
        return i == len(broken) or broken[i] >= end

    for let in resolved.empty_lets:
        if intact(let.start, let.body.start):
            add(make(EMPTY_LET, let.start, let.start + 3, "'let' binds nothing"))
    for inherit in resolved.empty_inherits:
        if intact(inherit.start, inherit.end):
            add(make(EMPTY_INHERIT, inherit.start, inherit.end, "'inherit' inherits nothing"))
    for uri in resolved.uris:
        add(
            make(
                DEPRECATED_URL_LITERAL,
                uri.start,
                uri.end,
                "URL literals are deprecated; write the URL as a string",
            )
        )
    for legacy in resolved.legacy_lets:
        add(
            make(
                DEPRECATED_LET_BLOCK,
                legacy.start,
                legacy.start + 3,
                "'let { ... }' is deprecated; use 'let ... in ...'",
            )
        )
    # The message breaks ties: the order does not depend on how findings were kept.
    out.sort(key=lambda d: (d.start, d.end, d.code, d.message))
    return out


_ARG_KINDS = (BindingKind.ARGUMENT, BindingKind.FORMAL, BindingKind.AT)


def _at_name(node: nodes.Node | None) -> str:
    """The `@` name of a function with formals ("" if none)."""
    if isinstance(node, nodes.Lambda) and node.formals is not None and node.param is not None:
        return node.param.name
    return ""


def _reportable(binding: Binding) -> bool:
    """Whether ``binding`` is reported when unused (never a ``_``-prefixed name)."""
    kind = binding.kind
    if binding.name.startswith("_"):
        return False
    if kind is BindingKind.LET:
        return not (isinstance(binding.scope.node, nodes.LegacyLet) and binding.name == "body")
    return kind in _ARG_KINDS


def _shadows(binding: Binding) -> bool:
    return binding.name in NIX_GLOBALS and not _inherits_same_global(binding)


def _idle(scope: Scope) -> bool:
    """A ``with`` nothing is looked up through, or a ``rec`` no attribute refers to."""
    if scope.node is None:
        return False
    if scope.kind is ScopeKind.WITH:
        return not scope.with_uses
    if scope.kind is ScopeKind.REC:
        return not any(b.references for b in scope.bindings.values())
    return False


def _unused_diagnostic(binding: Binding, live: set[object]) -> Diagnostic:
    start, end = binding.name_span
    if binding.kind is BindingKind.LET:
        return make(UNUSED_BINDING, start, end, f"'{binding.name}' is bound but never used")
    at = binding.scope.bindings.get(_at_name(binding.scope.node))
    if binding.kind is BindingKind.FORMAL and at is not None and at in live:
        # A used `args` may pass it on (`f args`).
        return make(
            UNUSED_ARGUMENT, start, end, f"formal argument '{binding.name}' is not used by name"
        )
    return make(UNUSED_ARGUMENT, start, end, f"argument '{binding.name}' is never used")


def _idle_diagnostic(scope: Scope) -> Diagnostic:
    node = scope.node
    assert node is not None
    if scope.kind is ScopeKind.WITH:
        return make(
            UNUSED_WITH, node.start, node.start + 4, "no name is looked up through this 'with'"
        )
    return make(
        UNUSED_REC,
        node.start,
        node.start + 3,
        "'rec' is unnecessary: no attribute refers to another",
    )
