"""Calls in tail position, calls the loop is asked for and drivers' finished
frames: values, errors (message, span, every trace entry), call-depth stops at
every limit and step-budget stops at every step, as main recorded them."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluator.vm.budget import Budget
from tests.vm.record_loop21_tails import outcome  # what the fixture recorded, computed the same way

# Recorded from main 09f63c0 by `record_loop21_tails.py`; lead26 took out the
# 'first argument passed to builtins.length' entry of an error raised while
# `length` forced its argument (Nix's forceList adds it to type errors only).
RECORDED = json.loads((Path(__file__).parent / "fixtures" / "loop21_tails.json").read_text())


@pytest.mark.parametrize("recorded", RECORDED, ids=lambda r: r["text"][:40])
def test_values_errors_and_depth_stops_as_recorded(recorded: dict[str, Any]) -> None:
    text = recorded["text"]
    assert outcome(text) == recorded["plain"]
    for depth, expected in enumerate(recorded["depths"], start=1):
        assert outcome(text, Budget(max_call_depth=depth)) == expected, depth


@pytest.mark.parametrize(
    "recorded", [r for r in RECORDED if r["steps"]], ids=lambda r: r["text"][:40]
)
def test_a_stop_at_every_step_as_recorded(recorded: dict[str, Any]) -> None:
    for steps, expected in enumerate(recorded["steps"], start=1):
        assert outcome(recorded["text"], Budget(max_steps=steps)) == expected, steps
