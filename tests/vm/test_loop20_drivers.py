"""The loop's drivers (frames run through ``yield from``): values, errors and
stops come back as they did when every frame was sent to directly."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.vm.budget import Budget
from evaluator.vm.errors import NixError
from evaluator.vm.loop import run
from evaluator.vm.values import Frame, Thunk

# Recorded from main b03854b (before drivers): for every step budget until
# the program finishes, the stop's message, span and trace. Re-recorded by
# lib21: a `foldl'` body run inline makes one loop step fewer (29 stops, each
# one of the 30 recorded before). Re-recorded by lib22: a `foldl'` body that
# asked the loop for something is handed to it unstarted for the next
# element, so stop 19 now falls as that body starts (located at it, under
# its call), the other 28 as before. Re-recorded by lead26: a stop while
# `length` forces its argument no longer gets the argument's entry (Nix's
# forceList adds it to a type error only): stops 6, 15 and 23.
STOPS = Path(__file__).parent / "fixtures" / "loop20_step_stops.json"

PROGRAM = """let
  f = x: if x == 0 then 0 else g (x - 1);
  g = y: builtins.length [ (f y) ] + h y;
  h = z: { a = z; }.a;
in f 3 + builtins.foldl' (a: b: a + f b) 0 [ 1 2 ]"""


def _stop(steps: int) -> list[Any]:
    ev = Evaluator(budget=Budget(max_steps=steps))
    try:
        return [steps, "value", ev.eval_source(PROGRAM, path="/virtual/steps.nix")]
    except NixError as e:
        span = None if e.span is None else [e.span[1], e.span[2]]
        return [steps, e.message, span, [entry[0] for entry in e.trace]]


@pytest.mark.parametrize("recorded", json.loads(STOPS.read_text()), ids=lambda r: str(r[0]))
def test_a_stop_at_every_step_is_located_and_traced_as_before(recorded: list[Any]) -> None:
    # Some of these stops fall just as a new frame is to start: the stop is
    # thrown into that frame (its trace entry), not into its idle driver.
    assert _stop(recorded[0]) == recorded


def _const(value: Any) -> Any:
    def body() -> Frame:
        return value
        yield

    return body


def test_values_and_caught_errors_come_back_through_the_frames() -> None:
    def failing() -> Frame:
        raise NixError("boom")
        yield

    def catcher() -> Frame:
        try:
            yield Thunk(failing)
        except NixError as err:
            caught = err.message
        first = yield Thunk(_const(1))
        second = yield _const(2)()  # a sub-frame
        return (caught, first, second)

    def outer() -> Frame:
        # Frames finishing in a row return their drivers for reuse.
        values = []
        for i in range(5):
            values.append((yield Thunk(_const(i))))
        return (values, (yield catcher()))

    assert run(outer()) == ([0, 1, 2, 3, 4], ("boom", 1, 2))


# Recorded from main b03854b: builtins called in tail position (started by
# `_tail` without `_dispatch` now) failing, with every trace entry and span;
# without `length`'s argument entry for an error raised while forcing, and
# with the call site of a `map` element `deepSeq` forces, as Nix 2.26 (lead26).
TAILS = Path(__file__).parent / "fixtures" / "loop20_tail_builtins.json"


@pytest.mark.parametrize("recorded", json.loads(TAILS.read_text()), ids=lambda r: r[0][:40])
def test_builtins_in_tail_position_fail_with_the_same_trace(recorded: list[Any]) -> None:
    text = recorded[0]
    try:
        got = [text, "value", Evaluator().eval_source(text, path="/virtual/tails.nix")]
    except NixError as e:
        span = None if e.span is None else [e.span[1], e.span[2]]
        trace = [[m, None if s is None else [s[1], s[2]]] for m, s, *_ in e.trace]
        got = [text, e.message, span, trace]
    assert got == recorded
