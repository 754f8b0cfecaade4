"""The fuzz targets, bounded for the suite (fixed seed and counts, well under a minute).

Programs are drawn through hypothesis (``derandomize``: the same cases on
every run, shrunk on failure). ``python -m tests.fuzz`` runs the same
targets for as long as wanted.
"""

from __future__ import annotations

import io
import json
import random
from pathlib import Path
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from nixls.cli import eval_cmd
from tests.fuzz.grammar import DataDraw, Gen, random_program
from tests.fuzz.targets import BAD_TEXT, evaluate, incremental, parser

BOUNDED = settings(
    max_examples=100,
    deadline=None,
    derandomize=True,
    database=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
NIX = json.loads((Path(__file__).parent / "fixtures" / "nix_outcomes.json").read_text())


@settings(BOUNDED, max_examples=100)
@given(st.data())
def test_parser(data: Any) -> None:
    parser(Gen(DataDraw(data)).program(3))


@settings(BOUNDED, max_examples=20)
@given(st.data(), st.integers(0, 1 << 30))
def test_incremental_reparse_and_reanalysis(data: Any, seed: int) -> None:
    incremental(Gen(DataDraw(data)).program(3), seed, edits=4)


@settings(BOUNDED, max_examples=80)
@given(st.data())
def test_evaluator(data: Any) -> None:
    evaluate(Gen(DataDraw(data)).program(3))


def test_evaluator_agrees_with_recorded_nix() -> None:
    # Where Nix gives a value we give the same; where it fails, we fail
    # with a Nix error (which of several errors comes first may differ).
    mismatches = []
    compared = 0
    for case in NIX:
        if _version_specific(case):
            continue
        compared += 1
        outcome = evaluate(case["program"])
        if case["status"] == 0:
            ok = outcome + "\n" == case["stdout"]
        else:
            # Nix 2.26's layout: `error:` then the trace, or `error: message`.
            ok = outcome.startswith("error:") and "internal error" not in outcome
        if not ok:
            mismatches.append((case["program"], case["stdout"] or case["stderr"], outcome))
    assert mismatches == [], len(mismatches)
    assert compared == 175  # of the 300 recorded


def _version_specific(case: dict[str, Any]) -> bool:
    # What Nix 2.26 changed since 2.8 and the language branches bring in:
    # `__curPos` in `-E` is null, the builtins set has new members.
    return "__curPos" in case["program"] or "addDrvOutputDependencies" in case["stdout"]


def test_cli_never_shows_an_internal_error() -> None:
    rng = random.Random(17)
    for _ in range(60):
        program = random_program(rng)
        out, err = io.BytesIO(), io.StringIO()
        argv = ["--strict", "--timeout", "2", "--max-memory", "256", "-E", program]
        eval_cmd.main(argv, out, err, {"PATH": "/usr/bin:/bin"})
        for bad in BAD_TEXT:
            assert bad not in err.getvalue(), (program, err.getvalue())
