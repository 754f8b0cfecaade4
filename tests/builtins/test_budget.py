"""Builtins that build large values charge the memory budget before building."""

from __future__ import annotations

import pytest

api = pytest.importorskip("evaluator.api")

from evaluator.vm.errors import BudgetExceeded  # noqa: E402
from evaluator.vm.loop import Budget  # noqa: E402


@pytest.mark.parametrize(
    "expr",
    [
        "builtins.length (builtins.genList (x: x) 1000000000)",
        # 100000 strings of 100 bytes, joined: 10 MB.
        'let s = builtins.concatStringsSep "" (builtins.genList (x: "0123456789") 10);'
        ' in builtins.stringLength (builtins.concatStringsSep "" (builtins.genList (x: s)'
        " 100000))",
        # 800000 list elements: 6.4 MB.
        "builtins.length (builtins.concatLists (builtins.genList (x: [ 1 2 3 4 5 6 7 8 ]) 100000))",
    ],
)
def test_large_values_exceed_the_memory_budget(expr: str) -> None:
    ev = api.Evaluator(budget=Budget(max_memory=5_000_000, timeout=60))
    with pytest.raises(BudgetExceeded, match="evaluation budget exceeded"):
        ev.eval_source(expr)


def test_small_values_fit() -> None:
    ev = api.Evaluator(budget=Budget(max_memory=10_000_000, timeout=60))
    assert ev.eval_source("builtins.length (builtins.genList (x: x) 1000)") == 1000
