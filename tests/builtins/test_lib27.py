"""lib27's paths, exact as nix-instantiate 2.26.3 (``fixtures/lib27.json``,
``record_lib27.py``, plain and with ``--show-trace``): lists and elements
whose code gives an evaluated attribute's thunk (``support.evaluate_plain``
takes its value), `foldl'`'s plain twin that gives up or fails, type
predicates on every kind of value."""

from __future__ import annotations

from functools import partial
from typing import Any

import pytest

from evaluator.builtins.support import evaluate_plain
from evaluator.vm.values import Thunk
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output

CASES: list[dict[str, Any]] = load_cases(__file__, "lib27.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _give(t: Thunk) -> Thunk:
    return t


def test_plain_code_giving_an_evaluated_thunk_gives_its_value() -> None:
    inner = Thunk(None)
    inner.code, inner.value = None, 42
    x = Thunk(partial(_give, inner))
    assert evaluate_plain(x) is True
    assert x.code is None and x.value == 42


def test_plain_code_giving_a_thunk_to_evaluate_is_left_to_the_loop() -> None:
    inner = Thunk(partial(int, 3))
    x = Thunk(partial(_give, inner))
    before = x.code
    assert evaluate_plain(x) is False
    assert x.code is before and x.value is None and inner.code is not None
