"""Wrong calls of the builtins report errors as Nix 2.26.3 does, byte for byte.

``fixtures/reports226/bad_calls.json`` holds Nix's whole stderr for each call of
:mod:`bad_calls` (``record_bad_calls.py``): the message, the "… while
evaluating the first argument passed to builtins.X" entries, the excerpts.
nixls's `eval` must print the same. :data:`KNOWN` lists the calls whose
report still differs, each with why; one of those that starts matching
fails here too, so the list only shrinks.
"""

from __future__ import annotations

import io
import json
import os
from pathlib import Path
from typing import Any

import pytest

from nixls.cli import eval_cmd

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
RECORDED = FIXTURES / "reports226" / "bad_calls.json"
CASES: list[dict[str, Any]] = json.loads(RECORDED.read_text())

KNOWN: dict[str, str] = {
    'builtins.fromJSON "{"': "Python's JSON parser words errors otherwise",
    'builtins.fromTOML "a ="': "toml11's error text and excerpt are not reproduced",
}


def report(expr: str) -> tuple[int, str]:
    """nixls's exit status and stderr for ``nixls eval --strict -E expr`` in ``fixtures/``."""
    out, err = io.BytesIO(), io.StringIO()
    cwd = os.getcwd()
    os.chdir(FIXTURES)
    try:
        status = eval_cmd.main(["--strict", "--no-eval-cache", "-E", expr], out, err, {"A": "1"})
    finally:
        os.chdir(cwd)
    return status, err.getvalue().replace(str(FIXTURES), "@FIXTURES@")


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_report_like_nix(case: dict[str, Any]) -> None:
    status, err = report(case["expr"])
    same = (status != 0) == (case["status"] != 0) and err == case["stderr"]
    if case["expr"] in KNOWN:
        assert not same, f"now matches Nix: remove it from KNOWN ({KNOWN[case['expr']]})"
    else:
        assert err == case["stderr"]
        assert (status != 0) == (case["status"] != 0)
