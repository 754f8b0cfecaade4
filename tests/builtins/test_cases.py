"""Builtins evaluated end to end, against outputs recorded from nix-instantiate 2.8.0
(re-recorded with 2.26.3, the reference now, where it differs: such cases say so in
their ``nix`` field).

Each ``fixtures/<theme>.json`` (made by ``record.py`` from ``<theme>.in.json``)
lists Nix expressions with what ``nix-instantiate --eval --strict -E`` printed
(or its error message), evaluated in the fixtures directory.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

HERE = Path(__file__).resolve().parent / "fixtures"
THEMES = [
    "lists",
    "attrs",
    "strings",
    "arith",
    "types",
    "control",
    "versions",
    "json",
    "toml",
    "hashing",
    "io",
    "regex_more",
    "xml",
    "misc",
    "random",
    # `sort` compares the same pairs in the same order as Nix (traced).
    "sort_trace",
]
# Changed on purpose since these were recorded (nixls follows Nix 2.26.3 now):
# test_nix226.py compares these with 2.26.3.
SKIP = {"builtins.attrNames builtins", "builtins.nixVersion"}

# Where nixls still differs from the reference (Nix 2.26.3), and why (none
# now: an empty list literal is no thunk since inherit17, as in Nix).
KNOWN_DIFFERENT: dict[str, str] = {}

CASES = [
    pytest.param(
        case,
        id=f"{theme}: {case['expr']}",
        marks=[pytest.mark.xfail(strict=True, reason=KNOWN_DIFFERENT[case["expr"]])]
        if case["expr"] in KNOWN_DIFFERENT
        else [],
    )
    for theme in THEMES
    for case in json.loads((HERE / f"{theme}.json").read_text())
    if case["expr"] not in SKIP
]

api = pytest.importorskip("evaluator.api")


def evaluate_with_trace(expr: str) -> tuple[str, list[str]]:
    """What our evaluator prints for ``expr`` (or ``error: <message>``), and its traces."""
    from evaluator.vm.context import EvalContext
    from evaluator.vm.errors import NixError

    err = io.StringIO()
    ctx = EvalContext(stderr=err)
    ev = api.Evaluator(ctx)
    try:
        value = ev.eval_source(expr, base_dir=str(HERE), strict=True)
        out = str(ev.render(value, strict=True))
    except NixError as e:
        out = f"error: {e.message}"
    return out, err.getvalue().splitlines()


def evaluate(expr: str) -> str:
    """What our evaluator prints for ``expr`` (or ``error: <message>``)."""
    return evaluate_with_trace(expr)[0]


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    expected = case["out"].replace("@FIXTURES@", str(HERE))
    out, traces = evaluate_with_trace(case["expr"])
    assert out == expected
    if "trace" in case:
        assert traces == case["trace"]
