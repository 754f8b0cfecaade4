"""The collector policy of a process that ends after its evaluation (`nixls eval`)."""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

from evaluator.api import Evaluator
from evaluator.vm import gc_tuning
from evaluator.vm.context import EvalContext
from evaluator.vm.gc_tuning import GcByMemory
from evaluator.vm.loop import Budget


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
        # Enough steps for several budget checks (where the policy polls).
        assert ev.eval_source("builtins.foldl' (a: b: a + b) 0 (builtins.genList (x: x) 5000)") == (
            12497500
        )
    finally:
        gc_tuning.ONE_SHOT_GC.poll = original  # type: ignore[method-assign]
    assert seen and not any(seen)
    assert gc.isenabled()
    assert not gc_tuning.ONE_SHOT_GC.active


def test_garbage_cycles_are_collected_once_memory_grows() -> None:
    # Memory growth is read from the resident set: a fresh process, since a
    # long test process reuses memory it holds and its RSS would not grow.
    code = f"import runpy; runpy.run_path({str(Path(__file__))!r})['cycles_collected']()"
    root = Path(__file__).resolve().parents[2]
    env = dict(os.environ, PYTHONPATH=str(root))
    done = subprocess.run(
        [sys.executable, "-c", code], cwd=root, env=env, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, done.stdout[-2000:] + done.stderr[-2000:]


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
