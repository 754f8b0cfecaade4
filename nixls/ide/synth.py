"""Evaluating a sub-expression of a file: rebuilding its lexical environment as source.

To evaluate an expression in the middle of a file (a hovered name, a
selection, a binding's value), the names it may use must be bound as they
are there. The enclosing scopes are rebuilt in front of it, outermost
first, from the file's own text:

- `let` bindings and the attributes of a `rec` set (or `let { }`) become
  `let <the same bindings> in`;
- `with e;` is kept as `with (e);`;
- a function's argument has no value here: it is bound to an `abort` with
  a unique marker, so an evaluation that needs it fails with that marker
  and the hover can say "depends on argument `x`". Formals with a default
  get their default; for the file's top-level function, ``autoArgs`` may
  supply values.

Bindings that the compiler rejects (undefined names, syntax errors) would
make the whole rebuilt expression fail to compile, so they are replaced by
a `throw` naming the problem. Copied text keeps a map back to the file, so
an error located in the rebuilt source is reported at the right place.
"""

from __future__ import annotations

import re
from bisect import bisect_left
from dataclasses import dataclass, field
from weakref import WeakKeyDictionary

from evaluator.compiler import Analysis
from evaluator.compiler.diagnostics import Severity
from evaluator.compiler.model import LocalRef
from evaluator.syntax import SyntaxErrorInfo, nodes
from nixls.ide.tree import ancestors_at, unparen

MARKER = re.compile(r"«nixls:unknown:(\d+)»")


@dataclass
class Synth:
    """Rebuilt source: the text, where its copied pieces came from, the unknowns."""

    text: bytes
    # (start in text, end in text, start in the file), sorted
    segments: list[tuple[int, int, int]] = field(default_factory=list)
    # index -> description of the unknown argument ("argument `x` of the function on line 3")
    unknowns: list[str] = field(default_factory=list)

    def to_file(self, offset: int) -> int | None:
        """The file offset of a text offset, if it lies in copied text."""
        for start, end, file_start in self.segments:
            if start <= offset <= end:
                return file_start + (offset - start)
        return None

    def unknown_in(self, message: str) -> str | None:
        """The unknown argument an error message is about, if it is one of ours."""
        m = MARKER.search(message)
        if m is None:
            return None
        index = int(m.group(1))
        return self.unknowns[index] if index < len(self.unknowns) else None


class _Builder:
    def __init__(self, source: bytes, broken: list[tuple[int, int]]) -> None:
        self.source = source
        self.broken = broken
        self.parts: list[bytes] = []
        self.size = 0
        self.out = Synth(b"")

    def emit(self, text: str | bytes) -> None:
        data = text.encode("utf-8") if isinstance(text, str) else text
        self.parts.append(data)
        self.size += len(data)

    def copy(self, start: int, end: int) -> None:
        self.out.segments.append((self.size, self.size + (end - start), start))
        self.emit(self.source[start:end])

    def is_broken(self, start: int, end: int) -> bool:
        return any(s < end and start < e or s == e == start for s, e in self.broken)

    def unknown(self, what: str) -> str:
        index = len(self.out.unknowns)
        self.out.unknowns.append(what)
        return f'(builtins.abort "«nixls:unknown:{index}»")'

    def bindings(self, bindings: list[nodes.BindingNode], needed: set[str]) -> None:
        for b in bindings:
            if isinstance(b, nodes.AttrDef):
                if not b.path or not isinstance(b.path[0], nodes.StaticKey):
                    continue  # dynamic names cannot be bound by `let`
                if b.path[0].name not in needed:
                    continue
                if self.is_broken(b.start, b.end):
                    name = b.path[0]
                    self.emit(f" {_quote(name.name)} = {_throw(name.name)};")
                else:
                    self.emit(" ")
                    self.copy(b.start, b.end)
                    if not self.source[b.start : b.end].rstrip().endswith(b";"):
                        self.emit(";")
            else:
                if not any(key.name in needed for key in b.names):
                    continue
                if self.is_broken(b.start, b.end):
                    for key in b.names:
                        self.emit(f" {_quote(key.name)} = {_throw(key.name)};")
                else:
                    self.emit(" ")
                    self.copy(b.start, b.end)

    def text(self) -> bytes:
        return b"".join(self.parts)


def _quote(name: str) -> str:
    from nixls.ide.tree import is_identifier

    if is_identifier(name):
        return name
    return '"' + name.replace("\\", "\\\\").replace('"', '\\"').replace("$", "\\$") + '"'


def _throw(name: str) -> str:
    return f'(builtins.throw "`{name}` has errors; fix them to evaluate it")'


def broken_spans(analysis: Analysis, parse_errors: list[SyntaxErrorInfo]) -> list[tuple[int, int]]:
    """Spans the compiler or parser rejects (error severity)."""
    spans = [(e.start, e.end) for e in parse_errors]
    for d in analysis.diagnostics:
        if d.severity is Severity.ERROR:
            spans.append((d.start, d.end))
    return spans


def synthesize(
    source: bytes,
    root: nodes.Node,
    span: tuple[int, int],
    broken: list[tuple[int, int]],
    analysis: Analysis,
    auto_args: dict[str, str] | None = None,
) -> Synth:
    """Source evaluating the text at ``span`` with the bindings it sees in the file.

    ``broken`` lists spans with errors (see :func:`broken_spans`);
    ``auto_args`` (name -> Nix expression) supplies the arguments of the
    file's top-level function. Only the bindings the expression needs
    (directly or through other bindings) are copied, so evaluating a
    small expression in a large file compiles little.
    """
    start, end = span
    plan = _plan(root, start, end)
    needed = _needed(plan, root, start, end, analysis)
    top_lambda = unparen(root)
    b = _Builder(source, broken)
    for kind, node in plan:
        if kind == "bindings":
            assert isinstance(node, nodes.Let | nodes.AttrSet | nodes.LegacyLet)
            b.emit("let")
            b.bindings(node.bindings, needed.get(id(node), set()))
            b.emit(" in ")
        elif kind == "with":
            assert isinstance(node, nodes.With)
            b.emit("with (")
            b.copy(node.env.start, node.env.end)
            b.emit("\n); ")
        else:
            assert isinstance(node, nodes.Lambda)
            args = auto_args if node is top_lambda else None
            _bind_arguments(b, node, source, args or {})
    b.emit("(")
    b.copy(start, end)
    b.emit("\n)")
    b.out.text = b.text()
    return b.out


Step = tuple[str, nodes.Node]  # ("bindings" | "with" | "lambda", node)


def _plan(root: nodes.Node, start: int, end: int) -> list[Step]:
    """The scopes around ``[start, end)`` to rebuild, outermost first."""
    plan: list[Step] = []
    for node in ancestors_at(root, start):
        if node.start == start and node.end == end:
            break  # the target itself (and anything inside it) binds nothing outside
        if not (node.start <= start and end <= node.end):
            break
        if isinstance(node, nodes.Let):
            if _inside_any(start, end, node.bindings) or _inside(start, end, node.body):
                plan.append(("bindings", node))
        elif isinstance(node, nodes.AttrSet) and node.rec or isinstance(node, nodes.LegacyLet):
            if _inside_any(start, end, node.bindings):
                plan.append(("bindings", node))
        elif isinstance(node, nodes.With):
            if _inside(start, end, node.body):
                plan.append(("with", node))
        elif isinstance(node, nodes.Lambda):
            if _inside(start, end, node.body) or (
                node.formals is not None and _inside(start, end, node.formals)
            ):
                plan.append(("lambda", node))
    return plan


def _needed(
    plan: list[Step], root: nodes.Node, start: int, end: int, analysis: Analysis
) -> dict[int, set[str]]:
    """Per rebuilt `let`/`rec` node (by id): the names the target needs, transitively."""
    scopes = {id(node): node for kind, node in plan if kind == "bindings"}
    needed: dict[int, set[str]] = {key: set() for key in scopes}
    groups: dict[int, dict[str, list[nodes.BindingNode]]] = {}
    for key, node in scopes.items():
        by_name: dict[str, list[nodes.BindingNode]] = {}
        assert isinstance(node, nodes.Let | nodes.AttrSet | nodes.LegacyLet)
        for binding in node.bindings:
            if isinstance(binding, nodes.AttrDef):
                if binding.path and isinstance(binding.path[0], nodes.StaticKey):
                    by_name.setdefault(binding.path[0].name, []).append(binding)
            else:
                for k in binding.names:
                    by_name.setdefault(k.name, []).append(binding)
        groups[key] = by_name

    pending: list[nodes.Var] = []
    starts, local_vars = _local_vars(analysis)

    def scan(lo: int, hi: int) -> None:
        # Every local reference in [lo, hi), including the compiler's own
        # `Var`s for `inherit x;` (they span the inherited name).
        i = bisect_left(starts, lo)
        while i < len(starts) and starts[i] < hi:
            if local_vars[i].end <= hi:
                pending.append(local_vars[i])
            i += 1

    scan(start, end)
    for kind, node in plan:
        if kind == "with":
            assert isinstance(node, nodes.With)
            scan(node.env.start, node.env.end)
        elif kind == "lambda":
            assert isinstance(node, nodes.Lambda)
            if node.formals is not None:
                scan(node.formals.start, node.formals.end)
    while pending:
        var = pending.pop()
        res = var.resolution
        if not isinstance(res, LocalRef):
            continue
        owner_node = res.binding.scope.node
        if owner_node is None or id(owner_node) not in scopes:
            continue
        names = needed[id(owner_node)]
        name = res.binding.name
        if name in names:
            continue
        names.add(name)
        for binding in groups[id(owner_node)].get(name, []):
            scan(binding.start, binding.end)
    return needed


_VAR_INDEX: WeakKeyDictionary[Analysis, tuple[list[int], list[nodes.Var]]] = WeakKeyDictionary()


def _local_vars(analysis: Analysis) -> tuple[list[int], list[nodes.Var]]:
    """The references to local bindings, sorted by position (cached per analysis)."""
    found = _VAR_INDEX.get(analysis)
    if found is None:
        local = sorted(
            (v for v in analysis.resolved.vars if isinstance(v.resolution, LocalRef)),
            key=lambda v: v.start,
        )
        found = ([v.start for v in local], local)
        _VAR_INDEX[analysis] = found
    return found


def _bind_arguments(b: _Builder, fn: nodes.Lambda, source: bytes, auto: dict[str, str]) -> None:
    line = source.count(b"\n", 0, fn.start) + 1
    where = f"of the function on line {line}"
    b.emit("let")
    if fn.param is not None:
        name = fn.param.name
        if fn.formals is not None and auto:
            given = [f.name.name for f in fn.formals.entries if f.name.name in auto]
            value = "{ " + "".join(f"inherit {_quote(n)}; " for n in given) + "}"
        else:
            value = b.unknown(f"argument `{name}` {where}")
        b.emit(f" {_quote(name)} = {value};")
    if fn.formals is not None:
        for formal in fn.formals.entries:
            name = formal.name.name
            if name in auto:
                b.emit(f" {_quote(name)} = ({auto[name]}\n);")
            elif formal.default is not None and not b.is_broken(
                formal.default.start, formal.default.end
            ):
                b.emit(f" {_quote(name)} = (")
                b.copy(formal.default.start, formal.default.end)
                b.emit("\n);")
            else:
                b.emit(f" {_quote(name)} = {b.unknown(f'argument `{name}` {where}')};")
    b.emit(" in ")


def _inside(start: int, end: int, node: nodes.Node) -> bool:
    return node.start <= start and end <= node.end


def _inside_any(start: int, end: int, items: list[nodes.BindingNode]) -> bool:
    return any(_inside(start, end, item) for item in items)
