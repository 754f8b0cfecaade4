"""What the long fuzz run and the hostile-server benchmark found, kept as tests.

Each case is the smallest program showing the problem; each passes through
the evaluator fuzz target as well (no internal error, budget held).
"""

from __future__ import annotations

from evaluator.api import Evaluator, format_error
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import BudgetExceeded
from evaluator.vm.loop import STOPPED_TRACE_CAP, Budget
from tests.fuzz.targets import evaluate

DEPTH = 1000


def test_assert_on_a_deeply_nested_condition_evaluates() -> None:
    # Campaign chunk evaluator seed 1001, case 270: printing the condition for
    # the failure message recursed on the Python stack at compile time, so
    # the whole file failed with "evaluation failed: maximum recursion depth".
    holds = "assert " + "(" * DEPTH + "true" + ")" * DEPTH + "; 1"
    assert evaluate(holds) == "1"
    fails = evaluate("assert " + "(" * DEPTH + "false" + ")" * DEPTH + "; 1")
    assert fails.startswith("error: assertion '") and "failed" in fails, fails[:200]
    not_bool = evaluate("assert " + "[" * DEPTH + "1" + "]" * DEPTH + "; 1")
    # Nix 2.26 puts "in the condition of the assert statement" in the trace first.
    assert not_bool.startswith("error:"), not_bool[:200]
    assert "expected a Boolean but found a list" in not_bool, not_bool[-300:]


def test_a_stopped_deep_recursion_unwinds_without_recording_every_frame() -> None:
    # Hostile benchmark, "non-tail recursion": stopped by its budget 240,000
    # calls deep, the error then recorded a trace entry per frame on its way
    # out (23 s against 2 s of evaluation). The steps budget stops it at a
    # fixed depth whatever the machine's load.
    ev = Evaluator(EvalContext(allow_env=False), budget=Budget(max_steps=600_000))
    try:
        ev.eval_source("let f = x: 1 + f x; in f 1", base_dir="/", strict=True)
    except BudgetExceeded as err:
        assert err.message == "evaluation budget exceeded (steps)"
        assert STOPPED_TRACE_CAP <= len(err.trace) <= STOPPED_TRACE_CAP + 10, len(err.trace)
        assert "«string»:1:" in format_error(err)
    else:
        raise AssertionError("the steps budget did not stop an endless recursion")


def test_other_errors_deep_in_a_recursion_keep_their_whole_trace() -> None:
    # The cap is for stopped evaluations only: a real error 3,000 calls
    # deep keeps an entry per frame (Nix folds duplicates when printing).
    ev = Evaluator(EvalContext(allow_env=False))
    program = 'let f = x: if x == 0 then throw "bottom" else 1 + f (x - 1); in f 3000'
    try:
        ev.eval_source(program, base_dir="/", strict=True)
    except Exception as err:
        assert "bottom" in str(err)
        assert len(getattr(err, "trace", [])) > 3000
    else:
        raise AssertionError("throw did not fail")
