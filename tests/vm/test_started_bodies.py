"""Function bodies a builtin starts itself (``support.peek``: filter, all, any,
concatMap, foldl', sort, partition, groupBy) that wait for the loop are handed
to it as they stand (a ``Resume``), with no frame relaying their requests;
what they print must be C++ Nix's, traces included. Also `x == [ ]` and
`x != { }`, compared without ``ops.equal``.

``fixtures/started_bodies.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_started_bodies.py``), plain and with
``--show-trace``.
"""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.builtins.support import peek
from evaluator.vm.loop import run
from evaluator.vm.values import Closure, Resume, Thunk
from tests.vm.nix_oracle import case_param, load_cases, recorded, strict_output

CASES: list[dict[str, Any]] = load_cases(__file__, "started_bodies.json")


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _body(x: Any) -> Any:
    # A body that forces its argument, then adds one.
    if type(x) is Thunk:
        x = x.value if x.code is None else (yield x)
    return x + 1


def _forty_one() -> Any:
    return 41
    yield  # a frame


def _waiting_value() -> Any:
    arg = Thunk(_forty_one)
    fn = Closure(_body)
    started = peek(fn.code(arg), fn, arg)
    assert type(started) is Resume and started.req is arg
    return (yield started)


def test_a_waiting_body_is_resumed_by_the_loop() -> None:
    assert run(_waiting_value()) == 42


def test_a_body_that_does_not_wait_gives_its_value_at_once() -> None:
    arg = Thunk.ready(1)
    fn = Closure(_body)
    assert peek(fn.code(arg), fn, arg) == 2
