"""Operators and control flow: unary and binary operators, `if`, `assert`, `with`.

Methods of :class:`~evaluator.compiler.codegen.Compiler`, written as functions of it
(the class takes them as attributes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.compiler.bindings import unparen
from evaluator.compiler.codegen_base import _IMAX, _IMIN, Step, _Fn
from evaluator.syntax import nodes
from evaluator.syntax.positions import operator_offset

# Lines of a generated function after which arithmetic is one call per operator.
COMPACT_AFTER = 2000

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler


# How Nix 2.26's trace names the operands of the Boolean operators.
_LOGIC_NAMES = {"&&": "AND (&&)", "||": "OR (||)", "->": "IMPL (->)"}
# `-`, `*`, `/` and the comparisons are calls of these builtins in Nix.
_OPERATOR_BUILTINS = {
    "-": "sub",
    "*": "mul",
    "/": "div",
    "<": "lessThan",
    ">": "lessThan",
    "<=": "lessThan",
    ">=": "lessThan",
}
_LITERALS = (nodes.Int, nodes.Float, nodes.Str)


def bool_operand(
    self: Compiler, fn: _Fn, node: nodes.Node, message: str, at: tuple[int, int]
) -> Step:
    """The forced Boolean value of ``node``; its errors traced as ``message``."""

    def step() -> Step:
        value = yield self.value(fn, node)
        self.check_bool(fn, value, node)
        return value

    return (yield self.in_context(fn, message, at, step()))


def operand_span(self: Compiler, node: nodes.Node) -> str:
    """The constant span of an operand (from its opening parenthesis, as Nix)."""
    return self.const(self.span(node.start, node.end))


def operand_spans(self: Compiler, node: nodes.Binary) -> str:
    """The constant pair of both operands' spans (one name: compact code)."""
    left, right = node.left, node.right
    return self.const((self.span(left.start, left.end), self.span(right.start, right.end)))


def operator_at(self: Compiler, node: nodes.Binary) -> tuple[int, int]:
    """Where the operator of ``node`` is (Nix locates operand errors there)."""
    at = operator_offset(self.source.text, node.left.end)
    return (at, at + len(node.op))


def c_unary(self: Compiler, fn: _Fn, node: nodes.Unary) -> Step:
    if node.op == "!":
        operand = unparen(node.expr)
        # Nix has no position for a literal operand.
        at = (-1, -1) if isinstance(operand, _LITERALS) else (operand.start, operand.end)
        a = yield self.bool_operand(fn, node.expr, "in the argument of the not operator", at)
    else:
        a = yield self.value(fn, node.expr)
    out = self.temp(fn)
    if node.op == "!":
        self.emit(fn, f"{out} = not {a}", node)
        self.bools.add(out)
    else:
        self.emit(fn, f"if type({a}) is int and {a} != IMIN: {out} = -{a}", node)
        self.emit(fn, f"else: {out} = r_negate({a})", node)
    return out


def c_binary(self: Compiler, fn: _Fn, node: nodes.Binary) -> Step:
    op = node.op
    if op in ("&&", "||", "->"):
        return (yield self.logic(fn, node))
    if op in ("|>", "<|"):
        return (yield self.pipe(fn, node))
    if op in _OPERATOR_BUILTINS:
        # Operands are evaluated in the call of the builtin, as in Nix.
        message = f"while calling the '{_OPERATOR_BUILTINS[op]}' builtin"
        at = self.operator_at(node)
        step = self.in_context(fn, message, at, binary(self, fn, node))
        if op in ("<=", ">="):  # Nix parses them as `!(b < a)`
            step = self.in_context(fn, "in the argument of the not operator", at, step)
        return (yield step)
    if op == "//":
        at = self.operator_at(node)
        a = yield self.in_context(
            fn,
            "in the left operand of the update (//) operator",
            at,
            _set_operand(self, fn, node.left),
        )
        b = yield self.in_context(
            fn,
            "in the right operand of the update (//) operator",
            at,
            _set_operand(self, fn, node.right),
        )
        out = self.temp(fn)
        self.emit(fn, f"{out} = r_update({a}, {b})", node)
        return out
    return (yield binary(self, fn, node))


def _set_operand(self: Compiler, fn: _Fn, node: nodes.Node) -> Step:
    value = yield self.value(fn, node)
    inner = unparen(node)
    if type(inner) is nodes.AttrSet or type(inner) is nodes.Binary and inner.op == "//":
        return value  # a set by construction (`a // { b = 1; }`, `(a // b) // c`): no test
    self.emit(fn, f"if type({value}) is not Attrs: raise r_type_error({value}, 'a set')", node)
    return value


def binary(self: Compiler, fn: _Fn, node: nodes.Binary) -> Step:
    """The arithmetic, comparison and list operators."""
    op = node.op
    a = yield self.value(fn, node.left)
    if op in ("==", "!="):
        empty = _empty_literal(node.right)
        if empty is not None:
            return _compare_empty(self, fn, node, a, empty)
    b = yield self.value(fn, node.right)
    out = self.temp(fn)
    emit = self.emit
    a_lit = type(unparen(node.left)) is nodes.Int
    b_lit = type(unparen(node.right)) is nodes.Int
    ints = " and ".join([f"type({x}) is int" for x, lit in ((a, a_lit), (b, b_lit)) if not lit])
    if op in ("+", "-", "*", "/"):
        # Nix locates errors of `+` at its right operand; `-`, `*`, `/` are
        # calls of builtins, located at the operator (in the trace).
        site = self.site_of_operator(node)
        if op == "/":
            emit(fn, f"{out} = r_arith('/', {a}, {b}, {site})", node)
            return out
    if op in ("+", "-", "*"):
        fast = f"{out} = {a} {op} {b}"
        slow = {
            "+": f"{out} = yield from r_add({a}, {b}, {self.operand_spans(node)})",
            "-": f"{out} = r_arith('-', {a}, {b}, {site})",
            "*": f"{out} = r_arith('*', {a}, {b}, {site})",
        }[op]
        check = f"if not {_IMIN} <= {out} <= {_IMAX}: r_overflow({op!r}, {a}, {b}, {site})"
        # The line of `+`'s slow path locates its errors: the right operand.
        slow_at = node.right if op == "+" else node
        if ints and len(fn.lines) > COMPACT_AFTER:
            # Generated code is what Python's compile() pays for: a huge
            # function (`1 + 1 + …` 40,000 times) gets one line per operator.
            emit(fn, slow, slow_at)
        elif ints:
            emit(fn, f"if {ints}:", node)
            fn.indent += 1
            emit(fn, fast, node)
            emit(fn, check, node)
            fn.indent -= 1
            if op == "+":
                emit(fn, f"elif type({a}) is str and type({b}) is str: {out} = {a} + {b}", node)
            emit(fn, f"else: {slow}", slow_at)
            if op == "+":
                # Long strings count against the memory budget.
                emit(
                    fn,
                    f"if type({out}) is str and len({out}) > 4096: r_charge(len({out}))",
                    node,
                )
        else:
            emit(fn, fast, node)
            emit(fn, check, node)
        return out
    if op in ("<", ">", "<=", ">=", "==", "!="):
        self.bools.add(out)
    if op in ("<", ">", "<=", ">="):
        x, y = (a, b) if op in ("<", ">=") else (b, a)
        neg = "not " if op in ("<=", ">=") else ""
        fast_op = {"<": "<", ">": ">", "<=": "<=", ">=": ">="}[op]
        if ints:
            emit(fn, f"if {ints}: {out} = {a} {fast_op} {b}", node)
            emit(fn, f"else: {out} = {neg}(yield from o_lt({x}, {y}))", node)
        else:
            emit(fn, f"{out} = {a} {fast_op} {b}", node)
        return out
    if op in ("==", "!="):
        eq = "==" if op == "==" else "!="
        neg = "" if op == "==" else "not "
        right = unparen(node.right)
        if b == "None" or b in ("True", "False"):
            emit(fn, f"{out} = {a} {'is' if op == '==' else 'is not'} {b}", node)
        elif type(right) is nodes.Str and b.startswith(("'", '"')):
            emit(fn, f"if type({a}) is str: {out} = {a} {eq} {b}", node)
            emit(fn, f"else: {out} = {neg}(yield from o_equal({a}, {b}))", node)
        elif type(right) is nodes.Int:
            emit(fn, f"if type({a}) is int: {out} = {a} {eq} {b}", node)
            emit(fn, f"else: {out} = {neg}(yield from o_equal({a}, {b}))", node)
        else:
            emit(
                fn,
                f"if type({a}) is type({b}) and type({a}) in SIMPLE: {out} = {a} {eq} {b}",
                node,
            )
            emit(fn, f"else: {out} = {neg}(yield from o_equal({a}, {b}))", node)
        return out
    if op == "++":
        at = operator_offset(self.source.text, node.left.end)
        span = self.const(self.span(at, at + 2))
        emit(fn, f"{out} = r_concat_lists({a}, {b}, {span})", node)
        return out
    raise AssertionError(f"unknown operator {op}")


def _empty_literal(node: nodes.Node) -> str | None:
    """``"NixList"`` or ``"Attrs"`` if ``node`` is the literal `[ ]` or `{ }`."""
    node = unparen(node)
    if type(node) is nodes.List and not node.items:
        return "NixList"
    if type(node) is nodes.AttrSet and not node.bindings and not node.rec:
        return "Attrs"
    return None


def _compare_empty(self: Compiler, fn: _Fn, node: nodes.Binary, a: str, kind: str) -> str:
    """`a == [ ]`, `a == { }` (or `!=`) on a forced ``a``, without `ops.equal`:
    a value of another type or size is unequal, an empty one equal. A
    non-empty set still goes to `ops.equal`, which looks at its `type` first
    (whether it is a derivation), as Nix does."""
    out = self.temp(fn)
    self.bools.add(out)
    if kind == "NixList":
        test = f"type({a}) is NixList and not {a}"
        self.emit(fn, f"{out} = {test}" if node.op == "==" else f"{out} = not ({test})", node)
        return out
    neg = "" if node.op == "==" else "not "
    slow = f"{out} = {neg}(yield from o_equal({a}, Attrs()))"
    self.emit(fn, f"if type({a}) is Attrs and {a}: {slow}", node)
    self.emit(fn, f"else: {out} = type({a}) is {neg}Attrs", node)
    return out


def site_of_operator(self: Compiler, node: nodes.Binary) -> str:
    """The constant span where Nix locates errors of ``node`` (``+``: its right
    operand; ``-``, ``*``, ``/``: the operator)."""
    if node.op == "+":
        return self.operand_span(node.right)
    at = operator_offset(self.source.text, node.left.end)
    return self.const(self.span(at, at + 1))


def pipe(self: Compiler, fn: _Fn, node: nodes.Binary) -> Step:
    """`x |> f` and `f <| x`: the call `f x`, located at the operator."""
    f_node, x_node = (node.right, node.left) if node.op == "|>" else (node.left, node.right)
    f = yield self.value(fn, f_node)
    x = (yield self.lazy(fn, x_node, arg=True)).expr
    out = self.temp(fn)
    at = operator_offset(self.source.text, node.left.end)
    span = self.const(self.span(at, at + 2))
    self.emit(fn, f"{out} = yield Call({f}, {x}, {span})", node)
    return out


def logic(self: Compiler, fn: _Fn, node: nodes.Binary) -> Step:
    op = node.op
    at = self.operator_at(node)
    left = f"in the left operand of the {_LOGIC_NAMES[op]} operator"
    a = yield self.bool_operand(fn, node.left, left, at)
    out = self.temp(fn)
    if op == "&&":
        self.emit(fn, f"{out} = {a}", node)
        self.emit(fn, f"if {out}:", node)
    elif op == "||":
        self.emit(fn, f"{out} = {a}", node)
        self.emit(fn, f"if not {out}:", node)
    else:
        self.emit(fn, f"{out} = not {a}", node)
        self.emit(fn, f"if not {out}:", node)
    saved = set(fn.known)
    fn.indent += 1
    right = f"in the right operand of the {_LOGIC_NAMES[op]} operator"
    b = yield self.bool_operand(fn, node.right, right, at)
    self.emit(fn, f"{out} = {b}", node)
    fn.indent -= 1
    fn.known = saved
    self.bools.add(out)
    return out


def c_if(self: Compiler, fn: _Fn, node: nodes.If) -> Step:
    cond = yield self.condition(fn, node)
    out = self.temp(fn)
    self.emit(fn, f"if {cond}:", node)
    saved = set(fn.known)
    fn.indent += 1
    a = yield self.value(fn, node.then)
    self.emit(fn, f"{out} = {a}", node.then)
    fn.indent -= 1
    known_then = fn.known
    fn.known = set(saved)
    self.emit(fn, "else:", node)
    fn.indent += 1
    b = yield self.value(fn, node.else_)
    self.emit(fn, f"{out} = {b}", node.else_)
    fn.indent -= 1
    fn.known = known_then & fn.known
    if all(x in self.bools or x in ("True", "False") for x in (a, b)):
        self.bools.add(out)
    return out


def _shown_condition(self: Compiler, cond: nodes.Node) -> str:
    """The condition as Nix shows it in the failure message.

    Printing recurses on the Python stack; a condition nested hundreds of
    levels deep still compiles (its message then elides the expression).
    """
    # Imported here: only a file with an `assert` needs it.
    from evaluator.compiler.parse_show import ParseShow

    try:
        return ParseShow(self.resolved, self.base_dir).show(cond)
    except RecursionError:
        return "«expression too deeply nested to show»"


def condition(self: Compiler, fn: _Fn, node: nodes.If) -> Step:
    """The forced Boolean condition of an `if`."""
    at = (node.start, node.end)
    return (yield self.bool_operand(fn, node.cond, "while evaluating a branch condition", at))


def assertion(self: Compiler, fn: _Fn, node: nodes.Assert) -> Step:
    at = (node.start, node.end)
    message = "in the condition of the assert statement"
    cond = yield self.bool_operand(fn, node.cond, message, at)
    text = self.const(_shown_condition(self, node.cond))
    eq = unparen(node.cond)
    if type(eq) is not nodes.Binary or eq.op != "==":
        self.emit(fn, f"if not {cond}: raise r_assert_failed({text})", node)
        return
    # Nix 2.26 explains a failed `assert a == b;` (the operands again).
    self.emit(fn, f"if not {cond}:", node)
    saved = set(fn.known)
    fn.indent += 1
    a = yield self.value(fn, eq.left)
    b = yield self.value(fn, eq.right)
    span = self.const(self.span(node.start, node.end))
    self.emit(fn, f"yield from r_assert_equal({a}, {b}, {text}, {span})", node)
    fn.indent -= 1
    fn.known = saved


def c_assert(self: Compiler, fn: _Fn, node: nodes.Assert) -> Step:
    yield self.assertion(fn, node)
    return (yield self.value(fn, node.body))


def with_scope(self: Compiler, fn: _Fn, node: nodes.With) -> Step:
    env = yield self.lazy(fn, node.env)
    name = self.var_name(node, "<with>")
    self.define(fn, name)
    self.emit(fn, f"{name} = {env.expr}", node)


def c_with(self: Compiler, fn: _Fn, node: nodes.With) -> Step:
    yield self.with_scope(fn, node)
    return (yield self.value(fn, node.body))
