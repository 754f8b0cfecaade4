"""Record expected outputs from C++ Nix for the builtins fixtures (not a test).

Usage: ``python tests/builtins/record.py NAME`` reads
``fixtures/NAME.in.json`` (a list of Nix expressions), runs
``nix-instantiate --eval --strict`` on each and writes
``fixtures/NAME.json``: a list of ``{"expr", "out"}`` where ``out`` is the
printed value, or ``"error: <first line>"``, plus ``"trace"`` (the
``trace:`` lines on stderr) when there are any. Tests only read the result.

``python tests/builtins/record.py --nix226 NAME`` does the same in
``fixtures/nix226/`` with Nix 2.26.3 (``nix226-instantiate``) and the
experimental feature ``flakes`` enabled.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent / "fixtures"
NIX = ["nix-instantiate"]
NIX226 = ["nix226-instantiate", "--extra-experimental-features", "flakes"]


def run(expr: str, cwd: Path) -> str:
    """What nix-instantiate prints for ``expr`` (first error line on failure)."""
    return run_with_trace(expr, cwd)[0]


def run_with_trace(expr: str, cwd: Path, nix: list[str] = NIX) -> tuple[str, list[str]]:
    """The output (as :func:`run`) and the ``trace:`` lines written to stderr."""
    env = {"PATH": os.environ["PATH"], "NIX_REMOTE": "dummy://", "LC_ALL": "C.UTF-8"}
    proc = subprocess.run(
        [*nix, "--eval", "--strict", "-E", expr],
        capture_output=True,
        env=env,
        cwd=cwd,
    )
    lines = proc.stderr.decode("utf-8", "surrogateescape").splitlines()
    traces = [ln for ln in lines if ln.startswith(("trace: ", "evaluation warning: ", "warning: "))]
    if proc.returncode != 0:
        first = next((ln for ln in lines if ln.startswith("error:")), lines[0] if lines else "")
        if first == "error:":
            # Nix 2.26: the message follows the trace, as the last "error: ..." line.
            inner = [ln.strip() for ln in lines if ln.strip().startswith("error: ")]
            first = inner[-1] if inner else first
        return first, traces
    return proc.stdout.decode("utf-8", "surrogateescape").rstrip("\n"), traces


def main(name: str, here: Path = HERE, nix: list[str] = NIX) -> None:
    exprs = json.loads((here / f"{name}.in.json").read_text())
    # The fixtures' own directory differs between checkouts: recorded as @FIXTURES@.
    cases = []
    for e in exprs:
        out, traces = run_with_trace(e, here, nix)
        case: dict[str, object] = {"expr": e, "out": out.replace(str(here), "@FIXTURES@")}
        if traces:
            case["trace"] = traces
        cases.append(case)
    # ASCII JSON: output bytes that are not UTF-8 survive as \udcXX escapes.
    text = json.dumps(cases, indent=1, ensure_ascii=True)
    (here / f"{name}.json").write_text(text + "\n", encoding="ascii")


if __name__ == "__main__":
    if sys.argv[1] == "--nix226":
        main(sys.argv[2], HERE / "nix226", NIX226)
    else:
        main(sys.argv[1])
