"""Random scoping-heavy programs: same outcome as nix-instantiate 2.8.

``fixtures/random_eval.json`` (``record_random.py``) holds 600 programs with
Nix's exit status and output under ``--eval --strict``. Programs Nix
evaluates must print the same; programs it rejects must fail with a Nix
error (which of several errors is reported first may differ).
"""

from __future__ import annotations

import io
import json
from pathlib import Path
from typing import Any

import pytest

from nixls.cli import eval_cmd

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "random_eval.json").read_text()
)


def test_random_programs_match_nix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    env = {"PATH": "/usr/bin:/bin", "HOME": "/homeless"}
    mismatches = []
    for case in CASES:
        out = io.BytesIO()
        err = io.StringIO()
        status = eval_cmd.main(["--strict", "-E", case["program"]], out, err, env)
        message = err.getvalue()
        if case["status"] == 0:
            ok = status == 0 and out.getvalue().decode() == case["stdout"]
        else:
            ok = status != 0 and message.startswith("error:") and "internal error" not in message
        if not ok:
            mismatches.append((case["program"], status, out.getvalue(), message[:200]))
    assert mismatches == []
    assert len(CASES) == 600
