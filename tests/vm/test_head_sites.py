"""The first application of call sites `f a b ...`: ``runtime.apply_head`` (``r_head``).

It gives a marked lambda's inner body waiting for `b` (every form of the
mark: `_: b:` lambdas and inner bodies with a plain twin too), partly applies
builtins and leaves anything else to the loop; ``runtime.apply_late`` (a
thunk's head not evaluated yet) uses it as well. None of that may be
observable: ``fixtures/head_sites.json`` holds nix-instantiate 2.26.3's output
(``record_head_sites.py``, plain and with ``--show-trace``), and
``fixtures/head_sites_budgets.json`` main's outcomes (before `r_head`) at
every call-depth limit and every step budget (one step stop re-recorded at the
merge with lead26: a `map` element `head` hands back is called inside the
builtin's entry, without a call site, as Nix 2.26 traces it).
"""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from evaluator.vm.runtime import apply_head
from evaluator.vm.values import Call, Closure, PrimOp, PrimOpApp
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output
from tests.vm.record_loop21_tails import outcome, recorded_budgets

CASES = load_cases(__file__, "head_sites.json")
BUDGETS = load_cases(__file__, "head_sites_budgets.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


@pytest.mark.parametrize("rec", BUDGETS, ids=lambda r: r["text"][:40])
def test_depths_and_steps_as_main(rec: dict[str, Any]) -> None:
    for budget, want in recorded_budgets(rec):
        assert outcome(rec["text"], budget) == want, budget


def _inner(*args: Any) -> Any:
    return ("inner", args)


def _twin(*args: Any) -> Any:  # pragma: no cover - never called by apply_head
    raise AssertionError("the plain twin is for builtins, not for sites")


def _outer(*args: Any) -> Any:
    return ("outer", args)


def test_every_form_of_the_mark_gives_the_inner_body() -> None:
    captured = partial(_outer, "c")
    for mark, takes_a in (
        (_inner, True),
        ((_inner,), False),
        ((_inner, _twin), True),
        (((_inner,), _twin), False),
    ):
        for code, captures in ((_outer, ()), (captured, ("c",))):
            head = apply_head(Closure(code, curried=mark), "a")
            want = (*captures, "a", "b") if takes_a else (*captures, "b")
            assert head("b") == ("inner", want)


def test_other_heads() -> None:
    assert apply_head(Closure(_outer), "a") == ("outer", ("a",))
    op = PrimOp("f", 3, _outer)
    app = apply_head(op, "a")
    assert type(app) is PrimOpApp and app.op is op and app.args == ("a",)
    one = PrimOp("g", 1, _outer)
    call = apply_head(one, "a")
    assert type(call) is Call and call.fn is one and call.arg == "a"
    call = apply_head(7, "a")
    assert type(call) is Call and call.fn == 7 and call.span is None
