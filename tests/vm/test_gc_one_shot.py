"""The collector policy of a process that ends after its evaluation (`nixls eval`)."""

from __future__ import annotations

import gc
import weakref

import pytest

from evaluator.api import Evaluator
from evaluator.vm import gc_tuning, memory
from evaluator.vm.context import EvalContext
from evaluator.vm.gc_tuning import GcByMemory, GcPause
from evaluator.vm.loop import Budget
from tests.vm.fresh_process import in_fresh_process


def test_one_shot_runs_turn_the_collector_off_and_back_on() -> None:
    seen: list[bool] = []
    ev = Evaluator(EvalContext(), budget=Budget(), one_shot=True)
    original = gc_tuning.ONE_SHOT_GC.poll

    def poll() -> None:
        seen.append(gc.isenabled())
        original()

    gc_tuning.ONE_SHOT_GC.poll = poll  # type: ignore[method-assign]
    try:
        assert gc.isenabled()
        # Enough steps for several budget checks (where the policy polls); `seq`
        # in the elements, which `foldl'` would evaluate without the loop if plain.
        expr = "builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: builtins.seq x x) 5000)"
        assert ev.eval_source(expr) == 12497500
    finally:
        gc_tuning.ONE_SHOT_GC.poll = original  # type: ignore[method-assign]
    assert seen and not any(seen)
    assert gc.isenabled()
    assert not gc_tuning.ONE_SHOT_GC.active


def test_garbage_cycles_are_collected_once_memory_grows() -> None:
    # Memory growth is read from the resident set: a fresh process, since a
    # long test process reuses memory it holds and its RSS would not grow.
    in_fresh_process(__file__, "cycles_collected")


def cycles_collected() -> None:
    """(In a fresh process) the policy runs a full collection once memory grows."""

    class Cycle:
        def __init__(self) -> None:
            self.me = self
            self.payload = bytearray(4096)

    policy = GcByMemory(growth=8 << 20)
    collected: list[int] = []

    def note(phase: str, info: dict[str, int]) -> None:
        if phase == "stop" and info["generation"] == 2:
            collected.append(info["collected"])

    gc.callbacks.append(note)
    try:
        with policy:
            assert not gc.isenabled()
            for _ in range(20_000):  # 80 MB of cyclic garbage
                Cycle()
                policy._next_poll = 0.0  # poll at once (not every POLL_EVERY seconds)
                policy.poll()
    finally:
        gc.callbacks.remove(note)
    assert gc.isenabled()
    assert collected and sum(collected) > 1000


def test_leaving_a_pause_leaves_no_young_objects_to_traverse() -> None:
    # What a paused block made goes to the oldest generation at once, so the
    # first young collection after it does not traverse it all.
    pause = gc_tuning.GcPause()
    assert gc.isenabled()
    with pause:
        made = [[i] for i in range(50_000)]
        assert len(gc.get_objects(generation=0)) >= 50_000
    young = len(gc.get_objects(generation=0))
    assert young < 1_000
    assert gc.isenabled()
    assert len(made) == 50_000


class _Cycle:
    def __init__(self) -> None:
        self.me = self


def test_young_collections_skip_what_is_frozen_full_ones_find_it(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # The resident set is made up (deterministic): 100 MB, then grown at will.
    size = [100 << 20]
    monkeypatch.setattr(memory, "rss", lambda: size[0])

    def grow(by: int) -> None:
        size[0] += by
        policy._next_poll = 0.0  # poll at once (not every POLL_EVERY seconds)
        policy.poll()

    policy = GcByMemory(growth=1 << 30, young=10 << 20, pause=GcPause())
    assert policy.pause is not None
    with policy:
        with policy.pause:  # a front-end block: what is alive when it ends is frozen
            old = _Cycle()
        old_ref = weakref.ref(old)
        del old  # garbage now, but frozen
        young = _Cycle()
        young_ref = weakref.ref(young)
        del young
        grow(5 << 20)  # below the young step: no collection
        assert young_ref() is not None and policy.collections == [0, 0]
        grow(10 << 20)
        assert policy.collections == [1, 0]
        assert young_ref() is None  # collected by the young collection
        assert old_ref() is not None  # frozen: not examined
        grow(1 << 30)  # past the full step
        assert policy.collections == [1, 1]
        assert old_ref() is None
    assert not policy.pause.keep_frozen
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_a_pause_outside_a_one_shot_run_freezes_nothing() -> None:
    pause = GcPause()
    with pause:
        made = [[i] for i in range(1000)]
    assert gc.get_freeze_count() == 0
    assert len(made) == 1000


def test_young_collections_bound_cyclic_garbage() -> None:
    # Real memory: a fresh process (see test_garbage_cycles_are_collected_once_memory_grows).
    in_fresh_process(__file__, "young_bound")


def young_bound() -> None:
    """(In a fresh process) 160 MB of cyclic garbage beside long-lived data,
    young steps of 8 MB: only young collections run, and the process never
    holds more than a few steps of garbage."""

    class Cycle:
        def __init__(self) -> None:
            self.me = self
            self.payload = bytearray(4096)

    policy = GcByMemory(growth=1 << 30, young=8 << 20, pause=GcPause())
    assert policy.pause is not None
    kept = []
    start = memory.rss()
    assert start is not None
    peak = start
    with policy:
        for i in range(40_000):
            Cycle()
            if i % 1000 == 0:
                kept.append([[j] for j in range(100)])  # survives: frozen once examined
            policy._next_poll = 0.0
            policy.poll()
            peak = max(peak, memory.rss() or 0)
    young, full = policy.collections
    assert full == 0 and young >= 5, policy.collections
    assert peak - start < 48 << 20, (peak - start) >> 20
