"""`nixls eval -E` against outputs recorded from nix-instantiate 2.8.

``fixtures/eval_cases.json`` (written by ``record_fixtures.py``) holds, for
each expression, Nix's exit status, stdout and error message: values and
their printing (strict and lazy), every language construct, and errors.
"""

from __future__ import annotations

import io
import json
import os
import stat
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


def _first_unsupported(directory: str) -> str | None:
    """The first file Nix's NAR walk (names sorted, depth first) cannot serialise."""
    try:
        names = sorted(os.listdir(directory))
    except OSError:
        return None
    for name in names:
        path = os.path.join(directory, name)
        mode = os.lstat(path).st_mode
        if stat.S_ISDIR(mode):
            found = _first_unsupported(path)
            if found is not None:
                return found
        elif not (stat.S_ISREG(mode) or stat.S_ISLNK(mode)):
            return path
    return None


def _on_this_machine(error: str) -> str:
    """The recorded error, with what depends on this machine's root filesystem.

    One case copies ``/`` (the test's working directory) to the store; Nix
    stops at the first file of an unsupported type, which differs per machine.
    """
    if not error.endswith("has an unsupported type"):
        return error
    found = _first_unsupported("/")
    return f"error: file '/{found}' has an unsupported type"


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
        assert err.splitlines()[0] == _on_this_machine(case["error"])
