"""Every Python exception evaluation can raise reaches the user as a located
Nix-style error: never ``internal error``, never a traceback."""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.api import Evaluator, format_error
from evaluator.vm.errors import BudgetExceeded, NixError
from evaluator.vm.loop import call
from evaluator.vm.values import Call, PrimOp


def _raising(exc: BaseException) -> PrimOp:
    def fn(_: Any) -> Any:
        raise exc

    return PrimOp("boom", 1, fn)


@pytest.mark.parametrize(
    "exc,message",
    [
        (ValueError("Exceeds the limit (4300 digits)"), "evaluation failed: Exceeds the limit"),
        (OverflowError("cannot convert float infinity to integer"), "arithmetic error: cannot"),
        (ZeroDivisionError("division by zero"), "arithmetic error: division by zero"),
        (UnicodeDecodeError("utf-8", b"\xff", 0, 1, "invalid start byte"), "invalid string"),
        (RecursionError("maximum recursion depth exceeded"), "stack overflow"),
        (KeyError("x"), "evaluation failed: 'x'"),
    ],
)
def test_python_exceptions_become_nix_errors(exc: BaseException, message: str) -> None:
    with pytest.raises(NixError) as info:
        call(_raising(exc), 1)
    assert info.value.message.startswith(message)
    assert "internal error" not in format_error(info.value)


def test_memory_error_is_a_budget_error() -> None:
    with pytest.raises(BudgetExceeded, match="memory"):
        call(_raising(MemoryError()), 1)


def test_errors_in_generated_code_are_located() -> None:
    # A Python exception under a frame of generated code: located there.
    ev = Evaluator()
    boom = _raising(OverflowError("too big"))
    f = ev.eval_source("f: x: 1 + f x", path="/v/t.nix")
    with pytest.raises(NixError) as info:
        ev.run(_apply(f, boom, 2))
    assert info.value.message == "arithmetic error: too big"
    assert "internal error" not in format_error(info.value)
    assert info.value.span is not None and info.value.span[1:] == (10, 13)  # `f x`


def _apply(f: Any, a: Any, b: Any) -> Any:
    g = yield Call(f, a)
    return (yield Call(g, b))


def test_ceil_and_floor_of_non_finite_floats_as_nix() -> None:
    # Nix 2.26 (x86-64): out-of-range conversions give the smallest integer.
    for text in ["builtins.ceil (1.0e308 * 10.0)", "builtins.floor 1.0e30"]:
        assert Evaluator().eval_source(text) == -(2**63)
