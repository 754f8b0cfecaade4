"""Call sites `f a b ...` of a lambda `a: b: body` the code generator marked.

Such a site applies `f` to `a` by ``runtime.apply_head`` (``r_head``), which
gives the inner body waiting for `b` (a ``partial``), called with `b` at once
(in tail position the loop starts it, ``loop._dispatch``): the outer call and
the closure it made are skipped. That must not be observable: ``fixtures/curried_sites.json``
holds nix-instantiate 2.26.3's output (``record_curried_sites.py``, plain and
with ``--show-trace``), and ``fixtures/curried_sites_budgets.json`` main's
outcomes (before the sites used the mark) at every call-depth limit and every
step budget.
"""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.api import Evaluator
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output
from tests.vm.record_loop21_tails import outcome, recorded_budgets

CASES = load_cases(__file__, "curried_sites.json")
BUDGETS = load_cases(__file__, "curried_sites_budgets.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


@pytest.mark.parametrize("rec", BUDGETS, ids=lambda r: r["text"][:40])
def test_depths_and_steps_as_main(rec: dict[str, Any]) -> None:
    for budget, want in recorded_budgets(rec):
        assert outcome(rec["text"], budget) == want, budget


def _python(expr: str) -> str:
    from evaluator.front_end import compile_source

    return compile_source(expr.encode(), "/virtual/sites.nix", "/virtual").python


def test_a_site_applies_its_head_by_r_head_and_a_tail_goes_to_the_loop() -> None:
    text = _python("let f = x: y: x + y; in [ (f 1 2) ]")
    lines = [line.strip() for line in text.splitlines()]
    head = next(line for line in lines if "r_head(" in line)
    name = head.split(" = ")[0]
    assert head == f"{name} = r_head(v1, 0X1)"
    assert f"return Call({name}, 0X2, K" in text  # the thunk's tail call `f 1 2`
    assert "curried" not in text  # the mark is read by `r_head`, not by the site's text


def test_sites_of_one_argument_read_no_mark() -> None:
    assert "r_head" not in _python("let f = x: y: x + y; in [ (f 1) ]")


def test_a_deep_recursion_through_marked_sites() -> None:
    # Each level a tail call `f (x + y) (y - 1)` of the marked `f`: no Python recursion.
    text = "let f = x: y: if y == 0 then x else f (x + 1) (y - 1); in f 0 100000"
    assert Evaluator().eval_source(text) == 100000
    text = "let f = x: y: if y == 0 then x else 1 + f x (y - 1); in f 0 100000"
    assert Evaluator().eval_source(text) == 100000
