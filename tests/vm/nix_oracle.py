"""`nix-instantiate --eval` as C++ Nix 2.26.3 and nixls run it, for tests that
compare their whole output (exit status, stdout, stderr) with recorded fixtures."""

from __future__ import annotations

import io
import json
import os
import shutil
import subprocess
from pathlib import Path
from typing import Any

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


def nixls(expr: str, flags: list[str], **env: str) -> tuple[int, str, str]:
    """nixls's exit status, stdout and stderr for the same command (in process,
    from ``/``: the caller restores the working directory); ``env``: more
    environment variables."""
    os.chdir("/")
    out = io.BytesIO()
    err = io.StringIO()
    status = eval_cmd.main(["--eval", *flags, "-E", expr], out, err, {**_ENV, **env})
    return status, out.getvalue().decode(), err.getvalue()
