"""`nix-instantiate --eval` as C++ Nix 2.26.3 and nixls run it, for tests that
compare their whole output (exit status, stdout, stderr) with recorded fixtures."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from collections.abc import Iterable
from pathlib import Path
from typing import Any

import pytest

from nixls.cli import eval_cmd

_ENV = {"PATH": "/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", "HOME": "/homeless"}


def record(expr: str, flags: list[str]) -> dict[str, Any]:
    """What ``nix226-instantiate --eval FLAGS -E EXPR`` prints (run from ``/``)."""
    p = subprocess.run(
        [shutil.which("nix226-instantiate") or "nix226-instantiate", "--eval", *flags, "-E", expr],
        capture_output=True,
        text=True,
        cwd="/",
        env=_ENV,
    )
    return {
        "expr": expr,
        "flags": flags,
        "status": p.returncode,
        "stdout": p.stdout,
        "stderr": p.stderr,
    }


# Plain output and with the trace: what the recorders record for each case.
FLAGS: list[list[str]] = [[], ["--show-trace"]]


def record_strict(cases: list[str], path: Path) -> None:
    """Write to ``path`` what ``--eval --strict`` prints for each of ``cases``,
    plain and with ``--show-trace`` (``flags`` names which)."""
    out = [
        {**record(expr, ["--strict", *flags]), "flags": flags} for expr in cases for flags in FLAGS
    ]
    path.write_text(json.dumps(out, indent=1) + "\n")


def load_cases(test_file: str, name: str) -> list[dict[str, Any]]:
    """The cases a recorder wrote to ``fixtures/NAME`` beside ``test_file`` (a test's
    ``__file__``)."""
    cases: list[dict[str, Any]] = json.loads(
        (Path(test_file).parent / "fixtures" / name).read_text()
    )
    return cases


def nixls(expr: str, flags: list[str], **env: str) -> tuple[int, str, str]:
    """nixls's exit status, stdout and stderr for the same command (in process,
    from ``/``: the caller restores the working directory); ``env``: more
    environment variables."""
    os.chdir("/")
    out = io.BytesIO()
    err = io.StringIO()
    status = eval_cmd.main(["--eval", *flags, "-E", expr], out, err, {**_ENV, **env})
    return status, out.getvalue().decode(), err.getvalue()


def strict_output(case: dict[str, Any]) -> tuple[int, str, str]:
    """nixls's exit status, stdout and stderr for a case recorded with
    ``--eval --strict`` (and the case's own flags), as :func:`nixls` gives them."""
    return nixls(case["expr"], ["--strict", *case["flags"]])


def case_param(case: dict[str, Any], marks: Iterable[Any] = ()) -> Any:
    """A recorded case as a pytest parameter named by its flags and expression."""
    return pytest.param(
        case, marks=list(marks), id=f"{' '.join(case['flags'])} {case['expr'][:60]}"
    )


def xfail_because(reason: str | None) -> list[Any]:
    """A strict expected failure for a known difference, or no mark."""
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


def recorded(case: dict[str, Any]) -> tuple[int, str, str]:
    """What C++ Nix printed for a recorded case: exit status, stdout, stderr."""
    return case["status"], case["stdout"], case["stderr"]


def cold_then_warm(tmp_path: Path, source: str, tails: list[str]) -> list[tuple[int, str, str]]:
    """Run ``let s = import f.nix; in TAIL`` (``f.nix`` holding ``source``) for
    each tail with ``--strict`` and one disk cache under ``tmp_path``: twice
    each, asserting the warm output is the cold one; the cold outputs."""
    (tmp_path / "f.nix").write_text(source)
    expr = f"let s = import {tmp_path}/f.nix; in "
    cache = tmp_path / "cache"
    outputs = []
    for tail in tails:
        cold = nixls(expr + tail, ["--strict"], XDG_CACHE_HOME=str(cache))
        assert any(cache.rglob("*")), "nothing was cached"
        assert nixls(expr + tail, ["--strict"], XDG_CACHE_HOME=str(cache)) == cold
        outputs.append(cold)
    return outputs
