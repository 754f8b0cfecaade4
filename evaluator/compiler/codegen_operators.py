"""Operators and control flow: unary and binary operators, `if`, `assert`, `with`.

Methods of :class:`~evaluator.compiler.codegen.Compiler`, written as functions of it
(the class takes them as attributes).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from evaluator.compiler.bindings import unparen
from evaluator.compiler.codegen_base import _IMAX, _IMIN, Step, _Fn
from evaluator.compiler.parse_show import ParseShow
from evaluator.syntax import nodes
from evaluator.syntax.positions import operator_offset

# Lines of a generated function after which arithmetic is one call per operator.
COMPACT_AFTER = 2000

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler


def c_unary(self: Compiler, fn: _Fn, node: nodes.Unary) -> Step:
    a = yield self.value(fn, node.expr)
    out = self.temp(fn)
    if node.op == "!":
        self.check_bool(fn, a, node)
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
    a = yield self.value(fn, node.left)
    b = yield self.value(fn, node.right)
    out = self.temp(fn)
    emit = self.emit
    a_lit = type(unparen(node.left)) is nodes.Int
    b_lit = type(unparen(node.right)) is nodes.Int
    ints = " and ".join([f"type({x}) is int" for x, lit in ((a, a_lit), (b, b_lit)) if not lit])
    if op in ("+", "-", "*"):
        fast = f"{out} = {a} {op} {b}"
        slow = {
            "+": f"{out} = yield from o_add({a}, {b})",
            "-": f"{out} = o_sub({a}, {b})",
            "*": f"{out} = o_mul({a}, {b})",
        }[op]
        if ints and len(fn.lines) > COMPACT_AFTER:
            # Generated code is what Python's compile() pays for: a huge
            # function (`1 + 1 + …` 40,000 times) gets one line per operator.
            emit(fn, slow, node)
        elif ints:
            emit(fn, f"if {ints}:", node)
            fn.indent += 1
            emit(fn, fast, node)
            emit(fn, f"if not {_IMIN} <= {out} <= {_IMAX}: r_overflow({op!r}, {a}, {b})", node)
            fn.indent -= 1
            if op == "+":
                emit(fn, f"elif type({a}) is str and type({b}) is str: {out} = {a} + {b}", node)
            emit(fn, f"else: {slow}", node)
            if op == "+":
                # Long strings count against the memory budget.
                emit(
                    fn,
                    f"if type({out}) is str and len({out}) > 4096: r_charge(len({out}))",
                    node,
                )
        else:
            emit(fn, fast, node)
            emit(fn, f"if not {_IMIN} <= {out} <= {_IMAX}: r_overflow({op!r}, {a}, {b})", node)
        return out
    if op == "/":
        emit(fn, f"{out} = o_div({a}, {b})", node)
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
    if op == "//":
        emit(fn, f"{out} = r_update({a}, {b})", node)
        return out
    if op == "++":
        at = operator_offset(self.source.text, node.left.end)
        span = self.const(self.span(at, at + 2))
        emit(fn, f"{out} = r_concat_lists({a}, {b}, {span})", node)
        return out
    raise AssertionError(f"unknown operator {op}")


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
    a = yield self.value(fn, node.left)
    self.check_bool(fn, a, node.left)
    out = self.temp(fn)
    op = node.op
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
    b = yield self.value(fn, node.right)
    self.check_bool(fn, b, node.right)
    self.emit(fn, f"{out} = {b}", node)
    fn.indent -= 1
    fn.known = saved
    self.bools.add(out)
    return out


def c_if(self: Compiler, fn: _Fn, node: nodes.If) -> Step:
    cond = yield self.value(fn, node.cond)
    self.check_bool(fn, cond, node.cond)
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
    try:
        return ParseShow(self.resolved, self.base_dir).show(cond)
    except RecursionError:
        return "«expression too deeply nested to show»"


def assertion(self: Compiler, fn: _Fn, node: nodes.Assert) -> Step:
    cond = yield self.value(fn, node.cond)
    self.check_bool(fn, cond, node.cond)
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
