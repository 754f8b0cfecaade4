"""The console script's `nixls eval` keeps its heap to `os._exit` (no
freeing object by object as `evaluate` returns), and its cancel flag is
asked by `charge` without a Python call (load22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.api import Evaluator
from evaluator.vm import budget as budget_module
from evaluator.vm.budget import Budget, Flag, charge
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import Cancelled
from nixls import cli
from nixls.cli import eval_cmd


def test_the_console_run_keeps_the_evaluation_and_a_called_one_does_not(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    file = tmp_path / "a.nix"
    file.write_text("{ a = [ 1 2 ]; }")
    argv = ["eval", "--strict", "--no-eval-cache", str(file)]
    # As the console script runs it: the process leaves with `os._exit` after.
    status, command = cli._main(argv, leaves=True)
    assert (status, command) == (0, "eval")
    assert capfdbinary.readouterr().out == b"{ a = [ 1 2 ]; }\n"
    kinds = [type(k).__name__ for k in eval_cmd._KEPT]
    assert kinds[0] == "Evaluator" and len(kinds) == 3
    # Called by a program that goes on (`cli.main(argv)`): nothing kept.
    assert cli._main(argv) == (0, "eval")
    assert eval_cmd._KEPT == []
    assert capfdbinary.readouterr().out == b"{ a = [ 1 2 ]; }\n"


def test_the_flag_is_set_once_and_read_without_a_python_frame() -> None:
    flag = Flag()
    assert flag.is_set() is False
    assert type(flag.is_set).__name__ == "partial"  # a C call, no Python frame
    flag.set()
    assert flag.is_set() is True
    assert repr(flag) == "Flag(set=True)"


def test_charge_sees_the_flag_and_counts_against_the_memory_limit() -> None:
    flag = Flag()
    budget = Budget(max_memory=1000, cancel=flag)
    token = budget_module.ACTIVE.set(budget)
    try:
        charge(400)
        charge(400)
        assert budget.allocated == 800
        with pytest.raises(Exception, match="memory"):
            charge(400)
        budget.allocated = 0
        flag.set()
        with pytest.raises(Cancelled):
            charge(1)
    finally:
        budget_module.ACTIVE.reset(token)


def test_an_evaluation_with_a_set_flag_is_cancelled() -> None:
    flag = Flag()
    flag.set()
    ev = Evaluator(EvalContext(), budget=Budget(cancel=flag))
    with pytest.raises(Cancelled):
        ev.eval_source("builtins.length (builtins.genList (x: x) 100000)", strict=True)
