"""`nixls eval -E` against outputs recorded from nix-instantiate 2.8.

(Where 2.26, the reference now, deliberately differs, e.g. integer overflow,
the case was re-recorded with nix-instantiate 2.26.3 and says so in `nix`.)

``fixtures/eval_cases.json`` (written by ``record_fixtures.py``) holds, for
each expression, Nix's exit status, stdout and error message: values and
their printing (strict and lazy), every language construct, and errors.
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from nixls.cli import eval_cmd

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "eval_cases.json").read_text()
)


def _run(flags: list[str], expr: str, monkeypatch: pytest.MonkeyPatch) -> tuple[int, str, str]:
    monkeypatch.chdir("/")
    out = io.BytesIO()
    err = io.StringIO()
    env = {"PATH": "/usr/bin:/bin", "HOME": "/homeless"}
    status = eval_cmd.main(["--eval", *flags, "-E", expr], out, err, env)
    return status, out.getvalue().decode("utf-8", "surrogateescape"), err.getvalue()


@pytest.mark.parametrize(
    "case", CASES, ids=[f"{' '.join(c['flags'])} {c['expr'][:50]}" for c in CASES]
)
def test_matches_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    status, out, err = _run(case["flags"], case["expr"], monkeypatch)
    if case["status"] == 0:
        assert status == 0, err
        assert out == case["stdout"]
    else:
        assert status != 0
        assert error_message(err) == case["error"]


def error_message(stderr: str) -> str:
    """The `error: MESSAGE` line of an error as nix-instantiate prints it: the
    first line, or in Nix 2.26's layout (trace first) the last `error:` line."""
    lines = [line.strip() for line in stderr.splitlines()]
    found = [line for line in lines if line.startswith("error: ")]
    return found[-1] if found else (lines[0] if lines else "")
