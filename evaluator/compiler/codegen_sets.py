"""Attribute sets, `let`, lists, selection and `?`: bindings and their values.

Methods of :class:`~evaluator.compiler.codegen.Compiler`, written as functions of it
(the class takes them as attributes).
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from functools import partial
from types import GeneratorType
from typing import TYPE_CHECKING

from evaluator.compiler.bindings import (
    DynamicEntry,
    InheritEntry,
    InheritSource,
    MergedAttrs,
    NestedEntry,
    ValueEntry,
    entry_span,
    unparen,
)
from evaluator.compiler.codegen_base import (
    ENTRY_DEFER_BYTES,
    LARGE_SET_BYTES,
    NAME_MARK,
    Step,
    _collected,
    _Fn,
    _Lazy,
    is_name,
)
from evaluator.compiler.codegen_tables import emit_bindings
from evaluator.compiler.model import GlobalRef, LocalRef, WithRef
from evaluator.syntax import nodes
from evaluator.vm.values import Attrs

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler


def c_let(self: Compiler, fn: _Fn, node: nodes.Let) -> Step:
    yield self.group(fn, self.resolved.bindings[node], node)
    return (yield self.value(fn, node.body))


def legacy_let(self: Compiler, fn: _Fn, node: nodes.LegacyLet) -> Step:
    merged = self.resolved.bindings[node]
    yield self.group(fn, merged, node)
    if "body" not in merged.static:
        self.emit(fn, "raise r_select_error(Attrs(), 'body')", node)
        return "None"
    return self.ref(fn, self.var_name(node, "body"))


def c_legacy_let(self: Compiler, fn: _Fn, node: nodes.LegacyLet) -> Step:
    body = yield self.legacy_let(fn, node)
    return self.force_var(fn, body, node)


def c_list(self: Compiler, fn: _Fn, node: nodes.List) -> Step:
    items: list[str] = []
    for item in node.items:
        op = yield self.lazy(fn, item)
        items.append(op.expr)
    out = self.temp(fn)
    if len(items) > 64:
        self.emit(fn, f"{out} = r_make_list([{', '.join(items)}])", node)
    else:
        self.emit(fn, f"{out} = NixList([{', '.join(items)}])", node)
    return out


def attr_name(self: Compiler, fn: _Fn, key: nodes.AttrKey) -> Step | str:
    """Operand for an attribute name: a static one at once, a dynamic one a
    step (forced and checked)."""
    if isinstance(key, nodes.StaticKey):
        return repr(key.name)
    return _dynamic_name(self, fn, key)


def _dynamic_name(self: Compiler, fn: _Fn, key: nodes.DynamicKey) -> Step:
    name = yield self.value(fn, key.expr)
    if not is_name(name) or name in ("None", "True", "False"):
        out = self.temp(fn)
        self.emit(fn, f"{out} = {name}", key)
        name = out
    span = self.const(self.span(key.expr.start, key.expr.end))
    self.emit(fn, f"if type({name}) is not str: {name} = r_attr_name({name}, {span})", key)
    return name


def c_select(self: Compiler, fn: _Fn, node: nodes.Select) -> Step | str | None:
    return self.select(fn, node, tail=False)


def select(self: Compiler, fn: _Fn, node: nodes.Select, tail: bool) -> Step | str | None:
    """The value of ``x.a.b`` (``tail``: returned, unforced): emitted at once
    when its base is an operand and its names are static (most selections),
    else a step giving it."""
    base = self.value(fn, node.expr)
    if (
        node.default is not None
        or type(base) is GeneratorType
        or not all([type(key) is nodes.StaticKey for key in node.path])
    ):
        return _select_step(self, fn, node, tail, base)
    cur: str | None = base  # type: ignore[assignment]  # an operand: not a step
    last = len(node.path) - 1
    for i, key in enumerate(node.path):
        name = repr(key.name)  # type: ignore[union-attr]
        cur = _select_key(self, fn, node, cur, name, tail and i == last)  # type: ignore[arg-type]
    return cur


def _select_key(
    self: Compiler, fn: _Fn, node: nodes.Select, cur: str, name: str, ret: bool
) -> str | None:
    """Select ``name`` from ``cur`` (returned unforced if ``ret``, else forced)."""
    out = self.temp(fn)
    self.emit(
        fn,
        f"if type({cur}) is not Attrs or {name} not in {cur}: raise r_select_error({cur}, {name})",
        node,
    )
    if ret:
        self.emit(fn, f"return {cur}[{name}]", node)
        return None
    self.emit(fn, f"{out} = {cur}[{name}]", node)
    self.emit(
        fn,
        f"if type({out}) is Thunk: {out} = {out}.value if {out}.code is None else (yield {out})",
        node,
    )
    return out


def _select_step(self: Compiler, fn: _Fn, node: nodes.Select, tail: bool, base: Step | str) -> Step:
    cur = yield base  # a step, or an operand (sent straight back)
    if node.default is None:
        last = len(node.path) - 1
        for i, key in enumerate(node.path):
            name = yield self.attr_name(fn, key)
            cur = _select_key(self, fn, node, cur, name, tail and i == last)
        return cur
    # With a default: any missing step (or non-set) gives the default.
    # One `while` left by `break` keeps the code flat however long the path.
    ok = self.fresh("ok")
    out = self.temp(fn)
    self.emit(fn, f"{ok} = False", node)
    first = yield self.attr_name(fn, node.path[0])
    saved = set(fn.known)
    self.emit(fn, "while True:", node)
    fn.indent += 1
    for i, key in enumerate(node.path):
        name = first if i == 0 else (yield self.attr_name(fn, key))
        self.emit(fn, f"if type({cur}) is not Attrs or {name} not in {cur}: break", node)
        nxt = self.temp(fn)
        self.emit(fn, f"{nxt} = {cur}[{name}]", node)
        if i < len(node.path) - 1:
            self.emit(
                fn,
                f"if type({nxt}) is Thunk: {nxt} = {nxt}.value"
                f" if {nxt}.code is None else (yield {nxt})",
                node,
            )
        else:
            self.emit(fn, f"{out} = {nxt}", node)
            self.emit(fn, f"{ok} = True", node)
        cur = nxt
    self.emit(fn, "break", node)
    fn.indent -= 1
    fn.known = saved
    self.emit(fn, f"if not {ok}:", node)
    fn.indent += 1
    dflt = yield self.lazy(fn, node.default)
    self.emit(fn, f"{out} = {dflt.expr}", node.default)
    fn.indent -= 1
    fn.known = saved
    self.emit(
        fn,
        f"if type({out}) is Thunk: {out} = {out}.value if {out}.code is None else (yield {out})",
        node,
    )
    return out


def c_has_attr(self: Compiler, fn: _Fn, node: nodes.HasAttr) -> Step:
    cur = yield self.value(fn, node.expr)
    out = self.temp(fn)
    self.emit(fn, f"{out} = False", node)
    # The first name is always evaluated (as in Nix), the others only
    # while the path exists.
    first = yield self.attr_name(fn, node.path[0])
    saved = set(fn.known)
    depth = 0
    for i, key in enumerate(node.path):
        name = first if i == 0 else (yield self.attr_name(fn, key))
        self.emit(fn, f"if type({cur}) is Attrs and {name} in {cur}:", node)
        fn.indent += 1
        depth += 1
        if i < len(node.path) - 1:
            nxt = self.temp(fn)
            self.emit(fn, f"{nxt} = {cur}[{name}]", node)
            self.emit(
                fn,
                f"if type({nxt}) is Thunk: {nxt} = {nxt}.value"
                f" if {nxt}.code is None else (yield {nxt})",
                node,
            )
            cur = nxt
        else:
            self.emit(fn, f"{out} = True", node)
    fn.indent -= depth
    fn.known = saved
    self.bools.add(out)
    return out


def c_attrs(self: Compiler, fn: _Fn, node: nodes.AttrSet) -> Step:
    merged = self.resolved.bindings[node]
    return (yield self.build_attrs(fn, merged, node))


def build_attrs(self: Compiler, fn: _Fn, merged: MergedAttrs, node: nodes.Node) -> Step:
    """Emit the construction of a set from merged bindings; returns its operand."""
    overrides = merged.rec and "__overrides" in merged.static
    table = None
    if merged.rec:
        yield self.group(fn, merged, node, redirectable=overrides)
        items = [f"{name!r}: {self.ref(fn, self.var_name(node, name))}" for name in merged.static]
    else:
        sources: dict[int, str] = {}
        for source in merged.inherit_sources:
            op = yield self.lazy(fn, source.expr)
            src = self.temp(fn)
            self.define(fn, src)
            self.emit(fn, f"{src} = {op.expr}", source.expr)
            sources[id(source)] = src
        ops: list[tuple[str, _Lazy]] = []
        for name, entry in merged.static.items():
            op = yield self.entry_value(fn, name, entry, sources, node)
            ops.append((name, op))
        table = thunk_table(self, ops) if len(ops) >= TABLE_MIN else None
        items = [f"{name!r}: {op.expr}" for name, op in ops] if table is None else []
    out = self.temp(fn)
    if table is not None:
        self.emit(fn, f"{out} = {table}", node)
    else:
        self.emit(fn, f"{out} = Attrs({{{', '.join(items)}}})", node)
    if merged.static:
        positions = {name: self.position(e.pos) for name, e in merged.static.items()}
        self.emit(fn, f"{out}.positions = {self.const(positions)}", node)
    # Dynamic attributes come after `__overrides`, as in Nix.
    if overrides:
        env = ", ".join(
            f"{name!r}: {self.ref(fn, self.var_name(node, name))}" for name in merged.static
        )
        self.emit(fn, f"yield from r_overrides({out}, {{{env}}})", node)
    for dyn in merged.dynamic:
        yield self.dynamic_attr(fn, out, dyn)
    return out


# A set literal of at least this many attributes, most of them new thunks of
# generated or shared code, is built from tables (``r_thunk_set``) rather than
# by a dict display of them: lib/default.nix's ~600 `inherit (self.x) ...`
# were one 36 KB function, three quarters of `(import lib).version`'s compile().
TABLE_MIN = 32

# A generated name as it is written while a unit is generated (see NAME_MARK),
# and a string literal as `repr` writes one without escapes: compiled when a
# table is first made (`re`'s compiler is Python code, paid per process).
_MARKED = r"([A-Za-z_]*)\0[A-Za-z0-9_]+\0"
_LITERAL = r"'[^'\\]*'|\"[^\"\\]*\""
_patterns: list[re.Pattern[str]] = []

# Prefixes of module-level generated names (constants, globals, functions):
# the rest of the marked names are variables of the generated body.
_GLOBAL_PREFIXES = frozenset({"K", "G", "th", "lam", "h"})


def thunk_table(self: Compiler, ops: list[tuple[str, _Lazy]]) -> str | None:
    """The expression building a set of attributes ``ops`` (name, operand)
    from tables (``r_thunk_set``), or None when fewer than half of them are
    new thunks of a function bound to variables, literals and constants."""
    locs: dict[str, int] = {}
    lits: dict[str, int] = {}
    names: list[str | None] = []
    args: list[object] = []
    values: list[str] = []
    for _, op in ops:
        entry = _table_entry(op, locs, lits)
        if entry is None:
            names.append(None)
            args.append(None)
            values.append(op.expr)
        else:
            names.append(entry[0])
            args.append(entry[1])
    if len(values) * 2 > len(ops):
        return None
    keys = self.const(tuple([name for name, _ in ops]))
    tables = f"{self.const(tuple(names))}, {self.const(tuple(args))}"
    bound = f"({''.join([f'{v}, ' for v in locs])})"
    if lits:  # literal j is at index -1 - j: after the variables, in reverse
        bound += f" + {self.const(tuple([lit[1:-1] for lit in reversed(lits)]))}"
    return (
        f"r_thunk_set(globals(), {keys}, {tables}, {bound}, ({''.join(f'{v}, ' for v in values)}))"
    )


def _table_entry(
    op: _Lazy, locs: dict[str, int], lits: dict[str, int]
) -> tuple[str, object] | None:
    """``op`` as a `thunk_table` entry (its function's name and arguments), or
    None if it is not a new thunk of a function bound to variables (numbered
    in ``locs``), plain string literals (in ``lits``) and module-level names."""
    child = op.child
    if child is not None:
        caps = list(child.captures)
        name = child.name
        if not caps:
            return (name.replace(NAME_MARK, ""), None) if op.expr == f"Thunk({name})" else None
        if op.expr != f"Thunk(partial({name}, {', '.join(caps)}))":
            return None
        at = [locs.setdefault(c, len(locs)) for c in caps]
        return name.replace(NAME_MARK, ""), at[0] if len(at) == 1 else tuple(at)
    code = getattr(op, "code", None)
    if code is None or not code.startswith("partial(r_") or code[-1] != ")":
        return None
    helper, *parts = code[8:-1].split(", ")
    if not helper.isidentifier() or not parts:
        return None
    bound: list[int | str] = []
    if not _patterns:
        _patterns[:] = [re.compile(_MARKED), re.compile(_LITERAL)]
    marked, literal = _patterns
    for part in parts:
        m = marked.fullmatch(part)
        if m is not None:
            if m.group(1) in _GLOBAL_PREFIXES:
                bound.append(part.replace(NAME_MARK, ""))
            else:
                bound.append(locs.setdefault(part, len(locs)))
        elif literal.fullmatch(part) is not None:
            bound.append(-1 - lits.setdefault(part, len(lits)))
        else:
            return None  # a nested expression
    return helper, tuple(bound)


def dynamic_attr(self: Compiler, fn: _Fn, target: str, dyn: DynamicEntry) -> Step:
    name = yield self.value(fn, dyn.key.expr)
    if isinstance(dyn.value, MergedAttrs):
        op = yield self.nested(fn, dyn.value, None)
        val = op.expr
    else:
        op = yield self.lazy(fn, dyn.value)
        val = op.expr
    where = self.where(dyn.pos)
    self.emit(fn, f"r_set_dynamic({target}, {name}, {val}, {where!r})", dyn.node)


def nested(self: Compiler, fn: _Fn, merged: MergedAttrs, name: str | None) -> Step | _Shared:
    """A thunk building a set implied by attribute paths (`a.b = 1;`), or a
    step giving it."""
    if _shareable_set(self, merged):
        return self.shared_set(fn, merged)
    return _nested_built(self, fn, merged, name)


def _nested_built(self: Compiler, fn: _Fn, merged: MergedAttrs, name: str | None) -> Step:
    descr = f"while evaluating the attribute '{name}'" if name is not None else None
    child = self.new_fn("th", fn, descr, merged.node)
    result = yield self.build_attrs(child, merged, merged.node)
    self.emit(child, f"return {result}", merged.node)
    return _Lazy(f"Thunk({self.fnref(fn, child)})", child)


def entry_value(
    self: Compiler,
    fn: _Fn,
    name: str,
    entry: ValueEntry | InheritEntry | NestedEntry,
    sources: dict[int, str],
    scope_node: nodes.Node,
    avoid: Mapping[str, str] | None = None,
) -> Step | _Lazy:
    """The lazy operand of one static attribute (``avoid``: see :meth:`lazy`):
    at once, or a step giving it (a plain function: see `c_var`)."""
    if isinstance(entry, ValueEntry):
        at = entry_span(entry)
        if scope_node.end - scope_node.start > LARGE_SET_BYTES:
            self.defer_bytes = ENTRY_DEFER_BYTES
        return self.lazy(fn, entry.value, name=name, avoid=avoid, at=at)
    if isinstance(entry, NestedEntry):
        return self.nested(fn, entry.attrs, name)
    if entry.var is not None:
        return self.lazy(fn, entry.var, name=name, at=entry_span(entry))
    assert entry.source is not None
    src = sources[id(entry.source)]
    return self.inherit_from(fn, src, name, entry, traced=avoid is None)


class _Shared(_Lazy):
    """A new thunk whose code is shared runtime code (:mod:`evaluator.vm.shared_code`):
    ``code`` is that code's expression (a ``partial`` of the source variable)."""

    __slots__ = ("code",)

    def __init__(self, expr: str, child: _Fn | None, deps: tuple[str, ...], code: str) -> None:
        super().__init__(expr, child, deps)
        self.code = code


def _shared(self: Compiler, fn: _Fn, src: str, helper: str, *args: str) -> _Shared:
    code = f"partial({helper}, {self.ref(fn, src)}, {', '.join(args)})"
    return _Shared(f"Thunk({code})", None, (src,), code)


# Shared code made of other operands (a set's values, a list's items, a call's
# function and argument) holds them: they are made with the thunk, not when it
# is forced (the same values: a thunk is evaluated once). Nested no deeper than
# this, so a generated line stays far below Python's limit on nested brackets.
MAX_SHARE_DEPTH = 8


def shared_of(code: str, deps: tuple[str, ...] | None = None) -> _Shared:
    """The thunk of shared ``code`` built from operands (see MAX_SHARE_DEPTH);
    its dependencies are every generated name its text reads (``deps``, when
    the caller has them from the pieces the text was made of: see
    :func:`names_of`)."""
    return _Shared(f"Thunk({code})", None, names_in(code) if deps is None else deps, code)


# What a marked name's prefix is made of (see NAME_MARK): generated names are
# ASCII identifiers, and what precedes one in generated code never is.
_NAME_CHARS = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_"


def names_in(code: str) -> tuple[str, ...]:
    """The generated (marked) names in ``code``: a `let` or `rec` group binds a
    thunk of it once all those it binds are bound."""
    parts = code.split(NAME_MARK)
    found: list[str] = []
    strip = _NAME_CHARS
    for i in range(1, len(parts), 2):
        # The prefix is the run of name characters before the mark (one
        # C-level `rstrip`, not a Python loop per character).
        before = parts[i - 1]
        found.append(f"{before[len(before.rstrip(strip)) :]}{NAME_MARK}{parts[i]}{NAME_MARK}")
    return tuple(found)


def names_of(ops: list[_Lazy]) -> tuple[str, ...]:
    """``names_in`` of the operands' expressions joined by separators that
    hold no name (", "), in order: shared code keeps its names, so text
    nested several levels deep is not scanned again at each level."""
    found: list[str] = []
    for op in ops:
        if type(op) is _Shared:
            found += op.deps  # `Thunk(code)` reads what `code` reads
        elif NAME_MARK in op.expr:
            found += names_in(op.expr)
    return tuple(found)


def _shareable_set(self: Compiler, merged: MergedAttrs) -> bool:
    """A set whose thunk can be shared code holding its values: static names,
    no `inherit (e)` (its source is a variable of the generated body)."""
    return (
        bool(merged.static)
        and not merged.rec
        and not merged.dynamic
        and not merged.inherit_sources
        and "__overrides" not in merged.static
        and self.share_depth < MAX_SHARE_DEPTH
    )


def shared_set(self: Compiler, fn: _Fn, merged: MergedAttrs) -> Step | _Shared:
    """A thunk building ``merged`` with shared code (``r_new_set``): its values
    are made in ``fn`` with the thunk, as the generated body made them (at
    once, or a step giving it: see :func:`_collected`)."""
    self.share_depth += 1
    items = iter(merged.static.items())
    return _collected(
        partial(_entry_of, self, fn, merged.node), items, partial(_set_of, self, merged)
    )


def _entry_of(
    self: Compiler, fn: _Fn, node: nodes.Node, item: tuple[str, ValueEntry]
) -> Step | _Lazy:
    return self.entry_value(fn, item[0], item[1], {}, node)


def _set_of(self: Compiler, merged: MergedAttrs, ops: list[_Lazy]) -> _Shared:
    self.share_depth -= 1
    values = [op.expr for op in ops]
    positions = self.const({name: self.position(e.pos) for name, e in merged.static.items()})
    if len(values) == 1:
        key = next(iter(merged.static))
        deps = (positions, *names_of(ops))  # `names_in` of a constant's name: itself
        return shared_of(f"partial(r_new_set1, {key!r}, {positions}, {values[0]})", deps)
    keys = self.const(tuple(merged.static))
    deps = (keys, positions, *names_of(ops))
    return shared_of(f"partial(r_new_set, {keys}, {positions}, ({', '.join(values)},))", deps)


def inherit_from(
    self: Compiler, fn: _Fn, src: str, name: str, entry: InheritEntry, traced: bool
) -> _Lazy:
    """A thunk selecting ``name`` from an `inherit (e)` source variable
    (``traced``: an attribute, whose trace entry points at its name)."""
    site = self.const(self.span(entry.key.start, entry.key.end))
    return _shared(self, fn, src, "r_inherit" if traced else "r_inherit_bound", repr(name), site)


def shared_select(
    self: Compiler,
    fn: _Fn,
    node: nodes.Select,
    name: str | None,
    at: tuple[int, int] | None,
    traced: bool,
) -> _Lazy | None:
    """A thunk `x.a.b` (``x`` a local variable, static names, no default) with
    shared code, or None. ``name``: the attribute it is the value of, defined
    at ``at``; ``traced``: forcing it adds a trace entry there (not for a `let`
    binding). Its facts: see :data:`evaluator.vm.shared_code.SelectInfo`."""
    base = unparen(node.expr)
    if node.default is not None or type(base) is not nodes.Var:
        return None
    if not isinstance(base.resolution, LocalRef):
        return None
    names: list[str] = []
    for key in node.path:
        if type(key) is not nodes.StaticKey:
            return None
        names.append(key.name)
    path = tuple(names)
    site = self.span(node.start, node.end)
    own = self.span(*at) if at is not None else site
    info: tuple[object, ...] = (path, self.span(base.start, base.end), site, own)
    helper = "r_select"
    if traced and name is not None:
        helper = "r_select_attr"
        info += (name,)
    return _shared(self, fn, self.binding_name(base.resolution), helper, self.const(info))


def shared_thunk(
    self: Compiler,
    fn: _Fn,
    node: nodes.Node,
    name: str | None,
    at: tuple[int, int] | None,
    traced: bool,
    limit: int,
) -> _Lazy | Step | None:
    """A thunk of ``node`` whose code is shared runtime code, if it is of a
    shape that has it (see :func:`shared_select`), else None; a step giving
    that (or None) when the shared code holds new code. Sets and lists
    longer than ``limit`` bytes keep their deferred generated code (their
    values would otherwise be compiled with the thunk)."""
    t = type(node)
    if t is nodes.Select:
        return shared_select(self, fn, node, name, at, traced)  # type: ignore[arg-type]
    if t is nodes.Var and type(node.resolution) is WithRef:  # type: ignore[attr-defined]
        res = node.resolution  # type: ignore[attr-defined]
        code = self.shared_with_var(fn, node, res, name, at, traced)  # type: ignore[arg-type]
        return shared_of(code)
    if t is nodes.Apply:
        return self.shared_call(fn, node, name, at, traced, limit)  # type: ignore[arg-type]
    if t is nodes.List:
        const = _constant_list(self, node)  # type: ignore[arg-type]
        if const is not None or node.end - node.start > limit:
            return const
        if len(node.items) > _CONSTANT_LIST_ITEMS or self.share_depth >= MAX_SHARE_DEPTH:  # type: ignore[attr-defined]
            return None
        return _shared_list(self, fn, node)  # type: ignore[arg-type]
    if t is nodes.AttrSet:
        const = _constant_attrs(self, node)  # type: ignore[arg-type]
        if const is not None or node.end - node.start > limit:
            return const
        merged = self.resolved.bindings[node]
        if _shareable_set(self, merged):
            return self.shared_set(fn, merged)
    return None


def _shared_list(self: Compiler, fn: _Fn, node: nodes.List) -> Step | _Shared:
    """`[ x (f y) ]`: a thunk making a new list of its items (made with the
    thunk); `shared_thunk` checked that it may (this never gives None)."""
    self.share_depth += 1
    return _collected(partial(self.lazy, fn), iter(node.items), partial(_list_of, self))


def _list_of(self: Compiler, ops: list[_Lazy]) -> _Shared:
    self.share_depth -= 1
    items = ", ".join([op.expr for op in ops])
    return shared_of(f"partial(r_new_list, ({items},))", names_of(ops))


# Larger lists are built by `r_make_list`, which charges the budget for them.
_CONSTANT_LIST_ITEMS = 64


def _constant_list(self: Compiler, node: nodes.List) -> _Lazy | None:
    """`[ 1 "a" ]` (literals only): a thunk making a new list of them."""
    if not node.items:
        return _Lazy("NixList()")  # no thunk: Nix prints an unforced `[ ]` as `[ ]`
    if len(node.items) > _CONSTANT_LIST_ITEMS:
        return None
    items: list[str] = []
    for item in node.items:
        lit = self.literal(unparen(item))
        if lit is None:
            return None
        items.append(lit)
    return _Lazy(f"Thunk(partial(r_new_list, ({', '.join(items)},)))")


def _constant(node: nodes.Node) -> tuple[bool, object]:
    """Whether ``node`` is a plain constant (number, string, Boolean, null), and its value."""
    t = type(node)
    if t is nodes.Int or t is nodes.Float:
        return True, node.value  # type: ignore[attr-defined]
    if t is nodes.Str and all(type(p) is str for p in node.parts):  # type: ignore[attr-defined]
        return True, "".join(node.parts)  # type: ignore[attr-defined]
    if t is nodes.Var and isinstance(node.resolution, GlobalRef):  # type: ignore[attr-defined]
        values = {"true": True, "false": False, "null": None}
        name = node.name  # type: ignore[attr-defined]
        if name in values:
            return True, values[name]
    return False, None


def _constant_attrs(self: Compiler, node: nodes.AttrSet) -> _Lazy | None:
    """`{ a = 1; }` (plain constants only): a thunk making a new set like a
    prototype (its values and positions)."""
    merged = self.resolved.bindings[node]
    if merged.dynamic or merged.inherit_sources or "__overrides" in merged.static:
        return None
    if not merged.static:
        return _Lazy("Thunk(r_empty_attrs)")
    proto = Attrs()
    for name, entry in merged.static.items():
        if type(entry) is not ValueEntry:
            return None
        ok, value = _constant(unparen(entry.value))
        if not ok:
            return None
        proto[name] = value
    proto.positions = {name: self.position(e.pos) for name, e in merged.static.items()}
    return _Lazy(f"Thunk(partial(r_new_attrs, {self.const(proto)}))")


def _aliases(
    self: Compiler, merged: MergedAttrs, node: nodes.Node, group_names: dict[str, str]
) -> tuple[dict[str, str], set[str]]:
    """The names of a group bound to another name of it (`a = b;`), and the cyclic ones.

    Aliases must follow their target; cyclic ones become thunks (forcing them
    is infinite recursion).
    """
    alias_of: dict[str, str] = {}
    for name, entry in merged.static.items():
        if isinstance(entry, ValueEntry):
            v = unparen(entry.value)
            if type(v) is nodes.Var and isinstance(v.resolution, LocalRef):
                target = self.binding_name(v.resolution)
                if target in group_names:
                    alias_of[self.var_name(node, name)] = target
    cyclic: set[str] = set()
    for start in alias_of:
        seen = [start]
        cur = alias_of.get(start)
        while cur is not None and cur not in seen:
            seen.append(cur)
            cur = alias_of.get(cur)
        if cur is not None:
            cyclic.add(start)
    return alias_of, cyclic


def group(
    self: Compiler, fn: _Fn, merged: MergedAttrs, node: nodes.Node, redirectable: bool = False
) -> Step:
    """Bind the static names of a `let` / `rec` set (mutually recursive).

    ``redirectable``: every name is bound to a thunk of its own, so that
    `__overrides` can redirect it.
    """
    group_names: dict[str, str] = {}
    for name in merged.static:
        py = self.var_name(node, name)
        self.define(fn, py)
        group_names[py] = name
    sources: dict[int, str] = {}
    src_ops: list[tuple[str, _Lazy, InheritSource]] = []
    for source in merged.inherit_sources:
        src = self.fresh("src")
        self.define(fn, src)
        sources[id(source)] = src
        group_names[src] = "<inherit>"
    for source in merged.inherit_sources:
        op = yield self.lazy(fn, source.expr)
        src_ops.append((sources[id(source)], op, source))
    alias_of, cyclic = _aliases(self, merged, node, group_names)
    entries: list[tuple[str, _Lazy, nodes.Node]] = [(s, o, src.expr) for s, o, src in src_ops]
    for name, entry in merged.static.items():
        py = self.var_name(node, name)
        if py in cyclic:
            assert isinstance(entry, ValueEntry)
            child = self.new_fn("th", fn, None, entry.value)
            yield self.tail(child, entry.value)
            op = _Lazy("", child)
        else:
            # Speculation is for `let` only: set attributes stay thunks
            # (so printing without --strict shows <CODE> as Nix does).
            let = isinstance(node, nodes.Let)
            op = yield self.entry_value(
                fn, name, entry, sources, node, group_names if let else None
            )
            if let and op.child is not None:
                # Nix traces an attribute where it is selected: forcing a
                # `let` binding adds no entry (the name still names a lambda).
                op.child.descr = None
        entries.append((py, op, entry.node))
    assigned: set[str] = set()
    patches: list[tuple[str, _Fn, nodes.Node]] = []
    late: list[tuple[str, str, nodes.Node]] = []
    aliases: list[tuple[str, str, nodes.Node]] = []
    lines: list[tuple[str, str, nodes.Node]] = []  # `py = expr`, emitted after the loop
    for py, op, at in entries:
        if redirectable and op.child is None:
            op = _Lazy(f"Thunk(partial(r_const, {op.expr}))", None, op.deps)
            patch = any(d in group_names for d in op.deps)
            lines.append((py, "Thunk(PENDING)" if patch else op.expr, at))
            if patch:
                late.append((py, f"partial(r_const, {op.expr})", at))
            assigned.add(py)
        elif type(op) is _Shared:
            # Its code holds the source's value: made once the source is bound.
            if all(d in assigned or d not in group_names for d in op.deps):
                lines.append((py, op.expr, at))
            else:
                lines.append((py, "Thunk(PENDING)", at))
                late.append((py, op.code, at))
            assigned.add(py)
        elif op.child is not None:
            deps = [c for c in op.child.captures if c in group_names]
            if all(d in assigned for d in deps):
                lines.append((py, f"Thunk({self.fnref(fn, op.child)})", at))
            else:
                lines.append((py, "Thunk(PENDING)", at))
                patches.append((py, op.child, at))
            assigned.add(py)
        elif py in alias_of:
            aliases.append((py, alias_of[py], at))
        elif any(d in group_names and d not in assigned for d in op.deps):
            aliases.append((py, op.deps[0], at))
        else:
            lines.append((py, op.expr, at))
            assigned.add(py)
    emit_bindings(self, fn, lines)
    pending = aliases
    while pending:
        later = []
        for py, target, at in pending:
            if target in assigned:
                self.emit(fn, f"{py} = {target}", at)
                assigned.add(py)
            else:
                later.append((py, target, at))
        if len(later) == len(pending):
            raise AssertionError("unordered aliases")
        pending = later
    for py, child, at in patches:
        self.emit(fn, f"{py}.code = {self.fnref(fn, child)}", at)
    for py, code, at in late:
        self.emit(fn, f"{py}.code = {code}", at)
