"""Arithmetic, comparison and bitwise builtins."""

from __future__ import annotations

import math
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import frame_of
from evaluator.vm import ops
from evaluator.vm.errors import EvalTypeError
from evaluator.vm.values import Frame, Thunk


def _two(a: Any, b: Any) -> Frame:
    if type(a) is Thunk:
        a = a.value if a.code is None else (yield a)
    if type(b) is Thunk:
        b = b.value if b.code is None else (yield b)
    return a, b


def _operand_error(err: EvalTypeError, a: Any, b: Any, what: str, swapped: bool = False) -> None:
    """Add Nix's entry naming the operand that is not a number (``a`` checked first)."""
    bad_first = type(a) not in (int, float)
    which = "first" if bad_first != swapped else "second"
    err.add_trace(f"while evaluating the {which} {what}", None)
    err.__dict__["argument_seen"] = True


@builtin("add", 2)
def add(a: Any, b: Any) -> Any:
    """`add a b`: the sum of two numbers (unlike `+`, not for strings or paths)."""
    if type(a) is int and type(b) is int:
        # (Evaluated integers, the common case: no frame.)
        n = a + b
        if ops.INT_MIN <= n <= ops.INT_MAX:
            return n
    return _add(a, b)


@frame_of("add")
def _add(a: Any, b: Any) -> Frame:
    a, b = yield from _two(a, b)
    try:
        return ops.add_values(a, b)
    except EvalTypeError as err:
        _operand_error(err, a, b, "argument of the addition")
        raise


@builtin("sub", 2)
def sub(a: Any, b: Any) -> Any:
    """`sub a b`: the difference `a - b` of two numbers."""
    if type(a) is int and type(b) is int:
        n = a - b
        if ops.INT_MIN <= n <= ops.INT_MAX:
            return n
    return _sub(a, b)


@frame_of("sub")
def _sub(a: Any, b: Any) -> Frame:
    a, b = yield from _two(a, b)
    try:
        return ops.sub_values(a, b)
    except EvalTypeError as err:
        _operand_error(err, a, b, "argument of the subtraction")
        raise


@builtin("mul", 2)
def mul(a: Any, b: Any) -> Any:
    """`mul a b`: the product `a * b` of two numbers."""
    if type(a) is int and type(b) is int:
        n = a * b
        if ops.INT_MIN <= n <= ops.INT_MAX:
            return n
    return _mul(a, b)


@frame_of("mul")
def _mul(a: Any, b: Any) -> Frame:
    a, b = yield from _two(a, b)
    try:
        return ops.mul_values(a, b)
    except EvalTypeError as err:
        _operand_error(err, a, b, "argument of the multiplication")
        raise


@builtin("div", 2)
def div(a: Any, b: Any) -> Any:
    """`div a b`: the quotient `a / b`; integer division truncates toward zero."""
    if type(a) is int and type(b) is int and b and (b != -1 or a != ops.INT_MIN):
        q = abs(a) // abs(b)  # (as `ops.div_values`: truncated toward zero)
        return q if (a < 0) == (b < 0) else -q
    return _div(a, b)


@frame_of("div")
def _div(a: Any, b: Any) -> Frame:
    a, b = yield from _two(a, b)
    try:
        return ops.div_values(a, b)
    except EvalTypeError as err:
        # Nix checks the divisor first.
        _operand_error(err, b, a, "operand of the division", swapped=True)
        raise


@builtin("lessThan", 2)
def less_than(a: Any, b: Any) -> Frame:
    """`lessThan a b`: `a < b` for numbers, strings, paths and lists."""
    return (yield from ops.less_than(a, b))


@builtin("bitAnd", 2)
def bit_and(a: Any, b: Any) -> Frame:
    """`bitAnd a b`: the bitwise AND of two integers."""
    return (yield from ops.force_int(a)) & (yield from ops.force_int(b))


@builtin("bitOr", 2)
def bit_or(a: Any, b: Any) -> Frame:
    """`bitOr a b`: the bitwise OR of two integers."""
    return (yield from ops.force_int(a)) | (yield from ops.force_int(b))


@builtin("bitXor", 2)
def bit_xor(a: Any, b: Any) -> Frame:
    """`bitXor a b`: the bitwise exclusive OR of two integers."""
    return (yield from ops.force_int(a)) ^ (yield from ops.force_int(b))


def _to_int(f: float, rounding: Any) -> int:
    # As C++ Nix on x86-64: a float out of the 64-bit range (or infinite,
    # or NaN) converts to the smallest integer.
    if not math.isfinite(f) or not -(2.0**63) <= f < 2.0**63:
        return ops.INT_MIN
    return int(rounding(f))


@builtin("ceil", 1)
def ceil(x: Any) -> Frame:
    """`ceil x`: the smallest integer not less than the number `x`."""
    return _to_int((yield from ops.force_float(x)), math.ceil)


@builtin("floor", 1)
def floor(x: Any) -> Frame:
    """`floor x`: the largest integer not greater than the number `x`."""
    return _to_int((yield from ops.force_float(x)), math.floor)
