"""Thunks whose code gives a call (`f x`, `f` a lambda or a builtin given its
last argument), which the loop starts itself without `_tail`: values, errors
(message, span, every trace entry), call-depth stops at every limit and
step-budget stops at every step, as main recorded them."""

from __future__ import annotations

from typing import Any

import pytest

from tests.vm.nix_oracle import load_cases
from tests.vm.record_loop21_tails import (  # what the fixture recorded, computed the same way
    outcome,
    recorded_budgets,
)

# Recorded from main af9c84e by `record_thunk_calls.py`; one step stop re-recorded
# by lead26: a `map` element `elemAt` hands back is called inside the builtin's
# entry, without a call site (Nix's builtins force without a position).
RECORDED = load_cases(__file__, "thunk_calls.json")


@pytest.mark.parametrize("recorded", RECORDED, ids=lambda r: r["text"][:40])
def test_outcomes_unlimited_at_each_depth_and_each_step_as_recorded(
    recorded: dict[str, Any],
) -> None:
    for budget, want in recorded_budgets(recorded):
        assert outcome(recorded["text"], budget) == want, budget


def test_a_deep_recursion_through_thunk_calls() -> None:
    # Each level is a thunk `f (n - 1)` the loop starts: no Python recursion.
    text = "let f = n: if n == 0 then 0 else (let t = f (n - 1); in t) + 1; in f 100000"
    assert outcome(text) == ["value", 100000]
