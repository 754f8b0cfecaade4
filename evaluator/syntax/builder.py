"""Reduce callbacks: build :mod:`evaluator.syntax.nodes` from grammar rules.

Each method is named after a rule alias in `nix.lark` and receives the
values of the rule's right-hand side (tokens, nodes or lists). It runs once
per reduction, inside the LR loop, so no tree is ever walked recursively.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evaluator.syntax import nodes as n
from evaluator.syntax.lexer import Token
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

Callback = Callable[[list[Any]], Any]


class Builder:
    """Tree-building callbacks; collects the semantic errors Nix's parser reports."""

    def __init__(self, report: Callable[[int, int, str], None]) -> None:
        self.report = report
        # ids of Str nodes that C++ Nix would treat as a constant string when
        # used as `${…}` attribute name (single literal token).
        self.const_strs: set[int] = set()

    def callbacks(self, aliases: list[str]) -> list[Callback | None]:
        """Callback per rule alias; ``None`` for unit rules passing a value up."""
        return [None if a == "pass" else getattr(self, a) for a in aliases]

    # -- lambdas and keyword forms -----------------------------------------

    def start(self, c: list[Any]) -> Any:
        return c[0]

    def lambda_id(self, c: list[Any]) -> n.Lambda:
        ident, _, body = c
        return n.Lambda(
            ident.start, body.end, n.Ident(ident.start, ident.end, ident.value), None, body
        )

    def _formals(self, lb: Token, f: tuple[list[n.Formal], bool], rb: Token) -> n.Formals:
        return n.Formals(lb.start, rb.end, f[0], f[1])

    def lambda_formals(self, c: list[Any]) -> n.Lambda:
        lb, f, rb, _, body = c
        return n.Lambda(lb.start, body.end, None, self._formals(lb, f, rb), body)

    def lambda_formals_at(self, c: list[Any]) -> n.Lambda:
        lb, f, rb, _, ident, _, body = c
        param = n.Ident(ident.start, ident.end, ident.value)
        return n.Lambda(lb.start, body.end, param, self._formals(lb, f, rb), body)

    def lambda_at_formals(self, c: list[Any]) -> n.Lambda:
        ident, _, lb, f, rb, _, body = c
        param = n.Ident(ident.start, ident.end, ident.value)
        return n.Lambda(ident.start, body.end, param, self._formals(lb, f, rb), body)

    def assert_(self, c: list[Any]) -> n.Assert:
        return n.Assert(c[0].start, c[3].end, c[1], c[3])

    def with_(self, c: list[Any]) -> n.With:
        return n.With(c[0].start, c[3].end, c[1], c[3])

    def let(self, c: list[Any]) -> n.Let:
        return n.Let(c[0].start, c[3].end, c[1], c[3])

    def if_(self, c: list[Any]) -> n.If:
        return n.If(c[0].start, c[5].end, c[1], c[3], c[5])

    # -- operators ------------------------------------------------------------

    def binop(self, c: list[Any]) -> n.Binary:
        left, op, right = c
        return n.Binary(left.start, right.end, OPS[op.type], left, right)

    def not_(self, c: list[Any]) -> n.Unary:
        return n.Unary(c[0].start, c[1].end, "!", c[1])

    def neg(self, c: list[Any]) -> n.Unary:
        return n.Unary(c[0].start, c[1].end, "-", c[1])

    def hasattr(self, c: list[Any]) -> n.HasAttr:
        e, _, path = c
        return n.HasAttr(e.start, path[-1].end, e, path)

    def apply(self, c: list[Any]) -> n.Apply:
        return n.Apply(c[0].start, c[1].end, c[0], c[1])

    def apply_or(self, c: list[Any]) -> n.Apply:
        fn, kw = c
        return n.Apply(fn.start, kw.end, fn, n.Var(kw.start, kw.end, "or"))

    def select(self, c: list[Any]) -> n.Select:
        e, _, path = c
        return n.Select(e.start, path[-1].end, e, path)

    def select_or(self, c: list[Any]) -> n.Select:
        e, _, path, _, default = c
        return n.Select(e.start, default.end, e, path, default)

    # -- simple expressions -----------------------------------------------------

    def var(self, c: list[Any]) -> n.Var | n.CurPos:
        t = c[0]
        if t.value == "__curPos":
            return n.CurPos(t.start, t.end)
        return n.Var(t.start, t.end, t.value)

    def int_(self, c: list[Any]) -> n.Int:
        t = c[0]
        value = t.value
        if type(value) is str or value > INT_MAX:
            self.report(t.start, t.end, f"invalid integer '{value}'")
            value = INT_MAX + 1
        return n.Int(t.start, t.end, value)

    def float_(self, c: list[Any]) -> n.Float:
        t = c[0]
        return n.Float(t.start, t.end, t.value)

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

    def string_simple(self, c: list[Any]) -> n.Str:
        t = c[0]
        self.check_nul(t.start + 1, t.value)
        return n.Str(t.start, t.end, [t.value] if t.value else [])

    def string(self, c: list[Any]) -> n.Str:
        return n.Str(c[0].start, c[2].end, merge_parts(c[1]))

    def ind_simple(self, c: list[Any]) -> n.Str:
        t = c[0]
        raw = "".join(p[0] if type(p) is tuple else p for p in t.value if type(p) in (str, tuple))
        if "\0" in raw:
            size = len(raw.encode("utf-8", "surrogateescape"))
            self.check_nul(t.end - 2 - size, raw)
        node = n.Str(t.start, t.end, merge_parts(strip_indentation(t.value)), True)
        if len(t.value) <= 1:
            self.const_strs.add(id(node))
        return node

    def ind_string(self, c: list[Any]) -> n.Str:
        return n.Str(c[0].start, c[2].end, merge_parts(strip_indentation(c[1])), True)

    def path(self, c: list[Any]) -> n.Path:
        t = c[0]
        return n.Path(t.start, t.end, [t.value])

    def path_interp(self, c: list[Any]) -> n.Path:
        begin, parts, end = c
        return n.Path(begin.start, end.end, merge_parts([begin.value, *parts]))

    def spath(self, c: list[Any]) -> n.SearchPath:
        t = c[0]
        return n.SearchPath(t.start, t.end, t.value)

    def uri(self, c: list[Any]) -> n.Uri:
        t = c[0]
        return n.Uri(t.start, t.end, t.value)

    def paren(self, c: list[Any]) -> n.Paren:
        return n.Paren(c[0].start, c[2].end, c[1])

    def legacy_let(self, c: list[Any]) -> n.LegacyLet:
        return n.LegacyLet(c[0].start, c[3].end, c[2])

    def rec_set(self, c: list[Any]) -> n.AttrSet:
        return n.AttrSet(c[0].start, c[3].end, c[2], True)

    def attrset(self, c: list[Any]) -> n.AttrSet:
        return n.AttrSet(c[0].start, c[2].end, c[1], False)

    def list_(self, c: list[Any]) -> n.List:
        return n.List(c[0].start, c[2].end, c[1])

    def error(self, c: list[Any]) -> n.Error:
        node: n.Error = c[0].value
        return node

    # -- lists and parts --------------------------------------------------------

    def empty(self, c: list[Any]) -> list[Any]:
        return []

    def single(self, c: list[Any]) -> list[Any]:
        return [c[0]]

    def append(self, c: list[Any]) -> list[Any]:
        items: list[Any] = c[0]
        if c[1] is not None:
            items.append(c[1])
        return items

    def path_append(self, c: list[Any]) -> list[Any]:
        items: list[Any] = c[0]
        items.append(c[2])
        return items

    def part_text(self, c: list[Any]) -> list[Any]:
        items: list[Any] = c[0]
        self.check_nul(c[1].start, c[1].value)
        items.append(c[1].value)
        return items

    def interp(self, c: list[Any]) -> Any:
        return c[1]

    # -- bindings ---------------------------------------------------------------

    def attrdef(self, c: list[Any]) -> n.AttrDef:
        path, _, value, semi = c
        return n.AttrDef(path[0].start, semi.end, path, value)

    def _static_names(self, keys: list[n.StaticKey | n.DynamicKey]) -> list[n.StaticKey]:
        names: list[n.StaticKey] = []
        for k in keys:
            if isinstance(k, n.StaticKey):
                names.append(k)
            else:
                self.report(k.start, k.end, "dynamic attributes not allowed in inherit")
        return names

    def inherit(self, c: list[Any]) -> n.Inherit:
        kw, names, semi = c
        return n.Inherit(kw.start, semi.end, None, self._static_names(names))

    def inherit_from(self, c: list[Any]) -> n.Inherit:
        kw, _, e, _, names, semi = c
        return n.Inherit(kw.start, semi.end, e, self._static_names(names))

    def binding_error(self, c: list[Any]) -> None:
        return None  # reported already; the binding is left out

    def attr_id(self, c: list[Any]) -> n.StaticKey:
        t = c[0]
        return n.StaticKey(t.start, t.end, t.value)

    def attr_string_simple(self, c: list[Any]) -> n.StaticKey:
        t = c[0]
        return n.StaticKey(t.start, t.end, t.value)

    def attr_string(self, c: list[Any]) -> n.DynamicKey:
        # Only strings with `${}` reach this rule (the lexer folds the others
        # into one STRING token), and Nix treats those as dynamic names.
        start, end = c[0].start, c[2].end
        return n.DynamicKey(start, end, n.Str(start, end, merge_parts(c[1])))

    def attr_interp(self, c: list[Any]) -> n.StaticKey | n.DynamicKey:
        """`${e}`: a static name when ``e`` is a constant string, as in Nix.

        Nix checks for a string literal made of a single token: a `"…"`
        without `${}`, or a `''…''` of at most one piece (parentheses vanish
        in its tree, so they are looked through here too).
        """
        dc, e, rb = c
        inner = e
        while isinstance(inner, n.Paren):
            inner = inner.expr
        if isinstance(inner, n.Str) and (not inner.indented or id(inner) in self.const_strs):
            if not inner.parts:
                return n.StaticKey(dc.start, rb.end, "")
            if len(inner.parts) == 1 and isinstance(inner.parts[0], str):
                return n.StaticKey(dc.start, rb.end, inner.parts[0])
        return n.DynamicKey(dc.start, rb.end, e)

    # -- formals ----------------------------------------------------------------

    def formals_last(self, c: list[Any]) -> tuple[list[n.Formal], bool]:
        head: list[n.Formal] = c[0]
        if c[1] is not None:
            head.append(c[1])
        return head, False

    def formals_ellipsis(self, c: list[Any]) -> tuple[list[n.Formal], bool]:
        return c[0], True

    def formals_open(self, c: list[Any]) -> tuple[list[n.Formal], bool]:
        return c[0], False

    def formals_more(self, c: list[Any]) -> list[n.Formal]:
        head: list[n.Formal] = c[0]
        if c[1] is not None:
            head.append(c[1])
        return head

    def formal(self, c: list[Any]) -> n.Formal:
        t = c[0]
        return n.Formal(t.start, t.end, n.Ident(t.start, t.end, t.value))

    def formal_default(self, c: list[Any]) -> n.Formal:
        t, _, default = c
        return n.Formal(t.start, default.end, n.Ident(t.start, t.end, t.value), default)

    def formal_error(self, c: list[Any]) -> None:
        return None
