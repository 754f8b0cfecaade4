"""`a // b`: an operand that is a set by construction (a set literal, another
`//`) is not tested at run time; any other operand still is, with the error
and trace it always had."""

from __future__ import annotations

import pytest

from evaluator.front_end import compile_source
from tests.vm.record_loop21_tails import outcome


def _tests_in(text: bytes) -> list[str]:
    python = compile_source(text, "/virtual/update.nix", "/virtual").python
    # (a body and its plain twin test the same names: each test once)
    return sorted({line.strip() for line in python.splitlines() if "is not Attrs: raise" in line})


def test_literal_and_update_operands_are_not_tested() -> None:
    tests = _tests_in(b"x: y: (x // { a = 1; }) // y // rec { b = 2; } // { c = x; }")
    assert len(tests) == 2  # `x` and `y` only
    assert all("r_type_error(v" in line for line in tests)


def test_other_operands_are() -> None:
    assert len(_tests_in(b"x: y: x // y")) == 2
    assert len(_tests_in(b"x: (x) // ({ } // x)")) == 1  # `x`, tested where each use is


@pytest.mark.parametrize(
    ("text", "want"),
    [
        ("({ a = 1; } // { b = 2; }) // { a = 3; }", {"a": 3, "b": 2}),
        ("let x = { a = 1; }; in (x // { b = 2; }) // (x // { a = 5; })", {"a": 5, "b": 2}),
    ],
)
def test_values(text: str, want: dict[str, int]) -> None:
    kind, value = outcome(text)
    assert kind == "value" and dict(value) == want


def test_a_non_set_operand_still_fails() -> None:
    message, _, trace = outcome("let x = 1; in ({ a = 1; } // { }) // x")
    assert message == "expected a set but found an integer: 1"
    assert trace[0][0] == "in the right operand of the update (//) operator"
