"""One-shot collections: growth that one builtin call made is frozen unexamined.

The resident set is made up (deterministic), as in ``test_gc_one_shot.py``.
"""

from __future__ import annotations

import gc
import weakref

import pytest

from evaluator.vm import memory
from evaluator.vm.gc_tuning import GcByMemory, GcPause

MB = 1 << 20


class _Cycle:
    def __init__(self) -> None:
        self.me = self


class _Process:
    """A resident set grown at will, polled after each growth."""

    def __init__(self, monkeypatch: pytest.MonkeyPatch, policy: GcByMemory) -> None:
        self.size = 100 * MB
        self.policy = policy
        monkeypatch.setattr(memory, "rss", lambda: self.size)

    def grow(self, by: int) -> None:
        self.size += by
        self.policy._next_poll = 0.0  # poll at once (not every POLL_EVERY seconds)
        self.policy.poll()


def test_a_burst_is_frozen_unexamined_and_found_by_the_full_collection(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    policy = GcByMemory(growth=1 << 30, young=10 * MB, pause=GcPause())
    process = _Process(monkeypatch, policy)
    with policy:
        garbage = _Cycle()
        ref = weakref.ref(garbage)
        del garbage
        process.grow(25 * MB)  # more than a young step since the last poll: one call's value
        assert policy.collections == [0, 0] and policy.bursts == 1
        assert ref() is not None and gc.get_freeze_count() > 0
        young = _Cycle()
        young_ref = weakref.ref(young)
        del young
        for _ in range(3):  # gradual growth past the next young step: a young collection
            process.grow(4 * MB)
        assert policy.collections == [1, 0] and policy.bursts == 1
        assert young_ref() is None  # examined, collected
        assert ref() is not None  # frozen with the burst: not examined
        process.grow(1 << 30)  # past the full step: a full collection, even as a burst
        assert policy.collections == [1, 1] and policy.bursts == 1
        assert ref() is None
    assert gc.get_freeze_count() == 0
    assert gc.isenabled()


def test_growth_polled_gradually_is_collected(monkeypatch: pytest.MonkeyPatch) -> None:
    policy = GcByMemory(growth=1 << 30, young=10 * MB, pause=GcPause())
    process = _Process(monkeypatch, policy)
    with policy:
        garbage = _Cycle()
        ref = weakref.ref(garbage)
        del garbage
        process.grow(6 * MB)
        assert policy.collections == [0, 0]
        process.grow(6 * MB)  # 12 MB since the start, 6 since the last poll: young
        assert policy.collections == [1, 0] and policy.bursts == 0
        assert ref() is None


def test_a_memory_budget_makes_the_burst_step_smaller(monkeypatch: pytest.MonkeyPatch) -> None:
    # Under a budget the steps are a quarter of it (`loop._one_shot_gc`): a burst is
    # measured against that step, not the default young step.
    policy = GcByMemory(growth=1 << 30, young=64 * MB, pause=GcPause())(8 * MB)
    process = _Process(monkeypatch, policy)
    with policy:
        process.grow(12 * MB)  # past the full step (8 MB): a full collection
        assert policy.collections == [0, 1]
        process.grow(20 * MB)  # 20 MB at once: a burst against the 8 MB step, not 64
        assert policy.collections == [0, 1] and policy.bursts == 1
