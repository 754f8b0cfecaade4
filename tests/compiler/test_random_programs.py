"""Differential check against C++ Nix on random scoping programs.

``fixtures/random_programs.tsv`` holds 250 programs from
``random_programs.py`` with what ``nix-instantiate --parse`` said of each
(recorded by ``record_nix.py``). We must reject exactly the programs Nix
rejects, and Nix's error (it stops at its first one) must be among ours.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import Severity
from evaluator.syntax import parse

ROWS = [
    line.split("\t")
    for line in (Path(__file__).resolve().parent / "fixtures" / "random_programs.tsv")
    .read_text(encoding="utf-8")
    .splitlines()[1:]
]


def test_both_verdicts_are_represented() -> None:
    verdicts = [row[1] for row in ROWS]
    assert len(ROWS) == 250
    assert verdicts.count("ok") >= 30 and verdicts.count("fail") >= 30


@pytest.mark.parametrize("chunk", range(5))
def test_same_verdict_as_nix(chunk: int) -> None:
    mismatches = []
    for program, verdict, message in ROWS[chunk * 50 : (chunk + 1) * 50]:
        analysis = analyse(parse(program))
        ours = [d.message for d in analysis.diagnostics if d.severity is Severity.ERROR]
        if verdict == "ok" and ours:
            mismatches.append(f"{program}\n  we reject: {ours}")
        elif verdict == "fail" and message not in ours:
            mismatches.append(f"{program}\n  Nix: {message}\n  ours: {ours}")
    assert mismatches == []
