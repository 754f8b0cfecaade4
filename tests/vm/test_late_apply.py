"""Thunks ending in `f a ...` (`f` a variable) run without a generator frame
of their own, and a late application (`runtime.apply_late`) when something
must wait; what they print must be C++ Nix's, traces included.

``fixtures/late_apply.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_late_apply.py``), plain and with
``--show-trace``: the function unevaluated when first applied, failing
itself, failing in its body, the application waiting part way, builtins,
functors and values that are not functions.
"""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.front_end import compile_source
from evaluator.vm.errors import BudgetExceeded
from evaluator.vm.loop import Budget
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output

CASES: list[dict[str, Any]] = load_cases(__file__, "late_apply.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _functions(python: str) -> dict[str, str]:
    """The generated functions of a unit, by name."""
    found = {}
    for chunk in python.split("\ndef ")[1:]:
        found[chunk.split("(", 1)[0]] = chunk
    return found


def test_thunk_ending_in_a_call_is_plain() -> None:
    source = b"let f = x: y: x + y; g = x: x; in { a = g 1; b = f 1 2; c = builtins.map g [ ]; }"
    python = compile_source(source, None, "/").python
    bodies = [b for name, b in _functions(python).items() if "return Call(" in b]
    thunks = [b for b in bodies if b.startswith("th")]
    # `f 1 2` (a variable applied); `builtins.map g [ ]` forces a selection;
    # `g 1` has shared code (the call returned by `r_call_attr`), no function.
    assert len(thunks) == 2
    plain = [b for b in thunks if "yield" not in b]
    assert len(plain) == 1
    assert any("r_apply_late(" in b for b in plain)
    assert python.count("partial(r_call_attr, ") == 1


# Each step is a thunk `f x` (or `f a x`) ending in a call the loop makes.
CHAINS = {
    "one argument": "let f = n: if n == 0 then 0 else let r = f (n - 1); in r; in f {n}",
    "two arguments": "let f = a: n: if n == 0 then a else let r = f a (n - 1); in r; in f 0 {n}",
}


def _eval(src: str, **budget: int) -> object:
    ev = Evaluator(budget=Budget(**budget))
    return ev.render(ev.eval_source(src))


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_long_chains_of_thunk_calls_need_no_python_stack(shape: str) -> None:
    assert _eval(CHAINS[shape].format(n=100_000)) == "0"


@pytest.mark.parametrize("shape", sorted(CHAINS))
def test_chains_of_thunk_calls_stay_within_budgets(shape: str) -> None:
    src = CHAINS[shape].format(n=300)
    assert _eval(src, max_call_depth=10_000) == "0"
    with pytest.raises(BudgetExceeded, match=r"^stack overflow; max-call-depth exceeded$"):
        _eval(src, max_call_depth=200)
    endless = CHAINS[shape].replace("if n == 0", "if false").format(n=1)
    with pytest.raises(BudgetExceeded, match="budget"):
        _eval(endless, max_steps=100_000)
