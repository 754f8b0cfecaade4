"""Reduce callbacks: build :mod:`evaluator.syntax.nodes` from grammar rules.

Each method is named after a rule alias in `nix.lark` and receives the
values of the rule's right-hand side (tokens, nodes or lists). It runs once
per reduction, inside the LR loop, so no tree is ever walked recursively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from evaluator.syntax import nodes as n
from evaluator.syntax.strings import merge_parts, strip_indentation

OPS = {
    "IMPL": "->",
    "OR": "||",
    "AND": "&&",
    "EQ": "==",
    "NEQ": "!=",
    "LT": "<",
    "GT": ">",
    "LEQ": "<=",
    "GEQ": ">=",
    "UPDATE": "//",
    "PLUS": "+",
    "MINUS": "-",
    "STAR": "*",
    "SLASH": "/",
    "CONCAT": "++",
    "PIPE_INTO": "|>",
    "PIPE_FROM": "<|",
}

INT_MAX = 2**63 - 1

Callback = Callable[..., Any]

# Tokens reach the callbacks as tuples `(type, start, end, value)` (plain or
# :class:`~evaluator.syntax.lexer.Token`): read by index, the cheapest way.
_TYPE, _START, _END, _VALUE = 0, 1, 2, 3

_N = TypeVar("_N", bound=n.Node)
# The most frequent nodes are made without calling their class: an
# `__init__` is a Python call of its own, a third of a reduction's cost.
# Each such callback sets every field of its node (tests/syntax/
# test_builder_fields.py checks them against the classes' fields).
_new: Callable[[type[_N]], _N] = object.__new__  # type: ignore[assignment]


def _keys(start: int, names: tuple[str, ...]) -> list[n.AttrKey]:
    """The keys of names joined by dots from ``start`` (of a compound token:
    names are ASCII, one byte a character)."""
    keys: list[n.AttrKey] = []
    for name in names:
        key = _new(n.StaticKey)
        key.start = start
        key.end = start = start + len(name)
        key.name = name
        keys.append(key)
        start += 1
    return keys


class Builder:
    """Tree-building callbacks; collects the semantic errors Nix's parser reports.

    Each callback takes the values of its rule's right-hand side as
    positional arguments (the driver passes them straight from its stack).
    """

    def __init__(self, report: Callable[[int, int, str], None]) -> None:
        self.report = report
        # ids of Str nodes that C++ Nix would treat as a constant string when
        # used as `${…}` attribute name (single literal token).
        self.const_strs: set[int] = set()
        self.or_calls = False  # an `e or` call was built (see ParseResult.or_calls)

    def callbacks(self, aliases: list[str]) -> list[Callback | None]:
        """Callback per rule alias; ``None`` for unit rules passing a value up."""
        return [None if a == "pass" else getattr(self, a) for a in aliases]

    # -- lambdas and keyword forms -----------------------------------------

    def start(self, e: Any) -> Any:
        return e

    def lambda_id(self, ident: Any, _c: Any, body: Any) -> n.Lambda:
        param = _new(n.Ident)
        param.start = node_start = ident[_START]
        param.end = ident[_END]
        param.name = ident[_VALUE]
        node = _new(n.Lambda)
        node.start = node_start
        node.end = body.end
        node.param = param
        node.formals = None
        node.body = body
        return node

    def lambda_formals(self, lb: Any, f: Any, rb: Any, _c: Any, body: Any) -> n.Lambda:
        formals = n.Formals(lb[_START], rb[_END], f[0], f[1])
        return n.Lambda(lb[_START], body.end, None, formals, body)

    def lambda_formals_at(
        self, lb: Any, f: Any, rb: Any, _a: Any, ident: Any, _c: Any, body: Any
    ) -> n.Lambda:
        param = n.Ident(ident[_START], ident[_END], ident[_VALUE])
        formals = n.Formals(lb[_START], rb[_END], f[0], f[1])
        return n.Lambda(lb[_START], body.end, param, formals, body)

    def lambda_at_formals(
        self, ident: Any, _a: Any, lb: Any, f: Any, rb: Any, _c: Any, body: Any
    ) -> n.Lambda:
        param = n.Ident(ident[_START], ident[_END], ident[_VALUE])
        formals = n.Formals(lb[_START], rb[_END], f[0], f[1])
        return n.Lambda(ident[_START], body.end, param, formals, body)

    def assert_(self, kw: Any, cond: Any, _s: Any, body: Any) -> n.Assert:
        return n.Assert(kw[_START], body.end, cond, body)

    def with_(self, kw: Any, env: Any, _s: Any, body: Any) -> n.With:
        return n.With(kw[_START], body.end, env, body)

    def let(self, kw: Any, binds: Any, _in: Any, body: Any) -> n.Let:
        return n.Let(kw[_START], body.end, binds, body)

    def if_(self, kw: Any, cond: Any, _t: Any, then: Any, _e: Any, else_: Any) -> n.If:
        return n.If(kw[_START], else_.end, cond, then, else_)

    # -- operators ------------------------------------------------------------

    def binop(self, left: Any, op: Any, right: Any) -> n.Binary:
        node = _new(n.Binary)
        node.start = left.start
        node.end = right.end
        node.op = OPS[op[_TYPE]]
        node.left = left
        node.right = right
        return node

    def not_(self, op: Any, e: Any) -> n.Unary:
        return n.Unary(op[_START], e.end, "!", e)

    def neg(self, op: Any, e: Any) -> n.Unary:
        return n.Unary(op[_START], e.end, "-", e)

    def hasattr(self, e: Any, _q: Any, path: Any) -> n.HasAttr:
        return n.HasAttr(e.start, path[-1].end, e, path)

    def apply(self, fn: Any, arg: Any) -> n.Apply:
        node = _new(n.Apply)
        node.start = fn.start
        node.end = arg.end
        node.fn = fn
        node.arg = arg
        return node

    def apply_or(self, fn: Any, kw: Any) -> n.Apply:
        self.or_calls = True
        return n.Apply(fn.start, kw[_END], fn, n.Var(kw[_START], kw[_END], "or"))

    def select(self, e: Any, _d: Any, path: Any) -> n.Select:
        node = _new(n.Select)
        node.start = e.start
        node.end = path[-1].end
        node.expr = e
        node.path = path
        node.default = None
        return node

    def select_chain(self, chain: Any) -> n.Select:
        """`a.b.c`, one token: the variable `a` and the path `b.c`."""
        names = chain[_VALUE]
        start = chain[_START]
        node = _new(n.Select)
        node.start = start
        node.end = chain[_END]
        node.expr = self.var(("ID", start, start + len(names[0]), names[0]))
        node.path = _keys(start + len(names[0]) + 1, names[1:])
        node.default = None
        return node

    def select_chain_or(self, chain: Any, _o: Any, default: Any) -> n.Select:
        node = self.select_chain(chain)
        node.end = default.end
        node.default = default
        return node

    def select_or(self, e: Any, _d: Any, path: Any, _o: Any, default: Any) -> n.Select:
        return n.Select(e.start, default.end, e, path, default)

    # -- simple expressions -----------------------------------------------------

    def var(self, t: Any) -> n.Var | n.CurPos:
        name = t[_VALUE]
        if name == "__curPos":
            return n.CurPos(t[_START], t[_END])
        node = _new(n.Var)
        node.start = t[_START]
        node.end = t[_END]
        node.name = name
        node.resolution = None
        return node

    def int_(self, t: Any) -> n.Int:
        value = t[_VALUE]
        if type(value) is str or value > INT_MAX:
            self.report(t[_START], t[_END], f"invalid integer '{value}'")
            value = INT_MAX + 1
        return n.Int(t[_START], t[_END], value)

    def float_(self, t: Any) -> n.Float:
        return n.Float(t[_START], t[_END], t[_VALUE])

    def check_nul(self, start: int, text: Any) -> None:
        """Nix 2.26 refuses string literals holding NUL (they cannot be C strings)."""
        if type(text) is tuple:  # an indented string's text: (raw text, flag)
            text = text[0]
        if type(text) is str and "\0" in text:
            shown = text.replace("\0", "\u2400")
            self.report(
                start,
                start + 1,
                f"input string '{shown}' cannot be represented as Nix string"
                " because it contains null bytes",
            )

    def string_simple(self, t: Any) -> n.Str:
        value = t[_VALUE]
        if "\0" in value:
            self.check_nul(t[_START] + 1, value)
        node = _new(n.Str)
        node.start = t[_START]
        node.end = t[_END]
        node.parts = [value] if value else []
        node.indented = False
        return node

    def string(self, open_: Any, parts: Any, close: Any) -> n.Str:
        return n.Str(open_[_START], close[_END], merge_parts(parts))

    def ind_simple(self, t: Any) -> n.Str:
        pieces = t[_VALUE]
        raw = "".join(p[0] if type(p) is tuple else p for p in pieces if type(p) in (str, tuple))
        if "\0" in raw:
            size = len(raw.encode("utf-8", "surrogateescape"))
            self.check_nul(t[_END] - 2 - size, raw)
        node = n.Str(t[_START], t[_END], merge_parts(strip_indentation(pieces)), True)
        if len(pieces) <= 1:
            self.const_strs.add(id(node))
        return node

    def ind_string(self, open_: Any, parts: Any, close: Any) -> n.Str:
        return n.Str(open_[_START], close[_END], merge_parts(strip_indentation(parts)), True)

    def path(self, t: Any) -> n.Path:
        return n.Path(t[_START], t[_END], [t[_VALUE]])

    def path_interp(self, begin: Any, parts: Any, end: Any) -> n.Path:
        return n.Path(begin[_START], end[_END], merge_parts([begin[_VALUE], *parts]))

    def spath(self, t: Any) -> n.SearchPath:
        return n.SearchPath(t[_START], t[_END], t[_VALUE])

    def uri(self, t: Any) -> n.Uri:
        return n.Uri(t[_START], t[_END], t[_VALUE])

    def paren(self, lp: Any, e: Any, rp: Any) -> n.Paren:
        node = _new(n.Paren)
        node.start = lp[_START]
        node.end = rp[_END]
        node.expr = e
        return node

    def legacy_let(self, kw: Any, _lb: Any, binds: Any, rb: Any) -> n.LegacyLet:
        return n.LegacyLet(kw[_START], rb[_END], binds)

    def rec_set(self, kw: Any, _lb: Any, binds: Any, rb: Any) -> n.AttrSet:
        return n.AttrSet(kw[_START], rb[_END], binds, True)

    def attrset(self, lb: Any, binds: Any, rb: Any) -> n.AttrSet:
        node = _new(n.AttrSet)
        node.start = lb[_START]
        node.end = rb[_END]
        node.bindings = binds
        node.rec = False
        return node

    def list_(self, lb: Any, items: Any, rb: Any) -> n.List:
        return n.List(lb[_START], rb[_END], items)

    def error(self, t: Any) -> n.Error:
        node: n.Error = t[_VALUE]
        return node

    # -- lists and parts --------------------------------------------------------

    def empty(self) -> list[Any]:
        return []

    def single(self, item: Any) -> list[Any]:
        return [item]

    def append(self, items: list[Any], item: Any) -> list[Any]:
        if item is not None:
            items.append(item)
        return items

    def chain_path(self, chain: Any) -> list[n.AttrKey]:
        return _keys(chain[_START], chain[_VALUE])

    def path_chain(self, items: list[Any], _d: Any, chain: Any) -> list[Any]:
        items += _keys(chain[_START], chain[_VALUE])
        return items

    def path_append(self, items: list[Any], _d: Any, item: Any) -> list[Any]:
        items.append(item)
        return items

    def part_text(self, items: list[Any], t: Any) -> list[Any]:
        value = t[_VALUE]
        self.check_nul(t[_START], value)
        items.append(value)
        return items

    def interp(self, _dc: Any, e: Any, _rb: Any) -> Any:
        return e

    # -- bindings ---------------------------------------------------------------

    def attrdef(self, path: Any, _eq: Any, value: Any, semi: Any) -> n.AttrDef:
        node = _new(n.AttrDef)
        node.start = path[0].start
        node.end = semi[_END]
        node.path = path
        node.value = value
        return node

    def attrdef_name(self, name_eq: Any, value: Any, semi: Any) -> n.AttrDef:
        """`name = value;`, the name and `=` one token (`lexer.lex_for_parser`)."""
        key = _new(n.StaticKey)
        key.start = start = name_eq[_START]
        key.name = name = name_eq[_VALUE]
        key.end = start + len(name)
        node = _new(n.AttrDef)
        node.start = start
        node.end = semi[_END]
        node.path = [key]
        node.value = value
        return node

    def attrdef_chain(self, chain_eq: Any, value: Any, semi: Any) -> n.AttrDef:
        """`a.b.c = value;`, the names and `=` one token."""
        return self.attrdef(_keys(chain_eq[_START], chain_eq[_VALUE]), chain_eq, value, semi)

    def attrdef_dotted_chain(
        self, path: Any, _d: Any, chain_eq: Any, value: Any, semi: Any
    ) -> n.AttrDef:
        """`${a}.b.c = value;`, the names after the first dot and `=` one token."""
        path += _keys(chain_eq[_START], chain_eq[_VALUE])
        return self.attrdef(path, chain_eq, value, semi)

    def attrdef_dotted(self, path: Any, _d: Any, name_eq: Any, value: Any, semi: Any) -> n.AttrDef:
        """`a.b.name = value;`, the last name and `=` one token."""
        path += _keys(name_eq[_START], (name_eq[_VALUE],))
        return self.attrdef(path, name_eq, value, semi)

    def _static_names(self, keys: list[n.StaticKey | n.DynamicKey]) -> list[n.StaticKey]:
        names: list[n.StaticKey] = []
        for k in keys:
            if isinstance(k, n.StaticKey):
                names.append(k)
            else:
                self.report(k.start, k.end, "dynamic attributes not allowed in inherit")
        return names

    def inherit(self, kw: Any, names: Any, semi: Any) -> n.Inherit:
        return n.Inherit(kw[_START], semi[_END], None, self._static_names(names))

    def inherit_from(self, kw: Any, _lp: Any, e: Any, _rp: Any, names: Any, semi: Any) -> n.Inherit:
        return n.Inherit(kw[_START], semi[_END], e, self._static_names(names))

    def binding_error(self, _t: Any) -> None:
        return None  # reported already; the binding is left out

    def attr_id(self, t: Any) -> n.StaticKey:
        node = _new(n.StaticKey)
        node.start = t[_START]
        node.end = t[_END]
        node.name = t[_VALUE]
        return node

    def attr_string_simple(self, t: Any) -> n.StaticKey:
        return n.StaticKey(t[_START], t[_END], t[_VALUE])

    def attr_string(self, open_: Any, parts: Any, close: Any) -> n.DynamicKey:
        # Only strings with `${}` reach this rule (the lexer folds the others
        # into one STRING token), and Nix treats those as dynamic names.
        start, end = open_[_START], close[_END]
        return n.DynamicKey(start, end, n.Str(start, end, merge_parts(parts)))

    def attr_interp(self, dc: Any, e: Any, rb: Any) -> n.StaticKey | n.DynamicKey:
        """`${e}`: a static name when ``e`` is a constant string, as in Nix.

        Nix checks for a string literal made of a single token: a `"…"`
        without `${}`, or a `''…''` of at most one piece (parentheses vanish
        in its tree, so they are looked through here too).
        """
        inner = e
        while isinstance(inner, n.Paren):
            inner = inner.expr
        if isinstance(inner, n.Str) and (not inner.indented or id(inner) in self.const_strs):
            if not inner.parts:
                return n.StaticKey(dc[_START], rb[_END], "")
            if len(inner.parts) == 1 and isinstance(inner.parts[0], str):
                return n.StaticKey(dc[_START], rb[_END], inner.parts[0])
        return n.DynamicKey(dc[_START], rb[_END], e)

    # -- formals ----------------------------------------------------------------
    # `formals` is a list `[entries, ellipsis]` (not a tuple: tuples on the
    # parse stack are tokens).

    def formals_last(self, head: list[n.Formal], formal: Any) -> list[Any]:
        if formal is not None:
            head.append(formal)
        return [head, False]

    def formals_ellipsis(self, head: list[n.Formal], _e: Any) -> list[Any]:
        return [head, True]

    def formals_open(self, head: list[n.Formal]) -> list[Any]:
        return [head, False]

    def formals_more(self, head: list[n.Formal], formal: Any, _c: Any) -> list[n.Formal]:
        if formal is not None:
            head.append(formal)
        return head

    def formal(self, t: Any) -> n.Formal:
        return n.Formal(t[_START], t[_END], n.Ident(t[_START], t[_END], t[_VALUE]))

    def formal_default(self, t: Any, _q: Any, default: Any) -> n.Formal:
        ident = n.Ident(t[_START], t[_END], t[_VALUE])
        return n.Formal(t[_START], default.end, ident, default)

    def formal_error(self, _t: Any) -> None:
        return None
