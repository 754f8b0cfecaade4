"""Record Nix 2.26.3's error reports for :mod:`bad_calls` (not a test).

Usage: ``python tests/builtins/record_bad_calls.py``. Runs
``nix226-instantiate --eval --strict -E EXPR`` for each wrong call (in
``fixtures/``, no store) and writes ``fixtures/reports226/bad_calls.json``:
``{"expr", "status", "stderr"}`` per call, stderr whole (the error, its
trace entries and excerpts), the fixtures' directory written ``@FIXTURES@``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parents[1]))

from tests.builtins.bad_calls import expressions  # noqa: E402

FIXTURES = HERE / "fixtures"
OUT = FIXTURES / "reports226" / "bad_calls.json"


def main() -> None:
    env = {"PATH": os.environ["PATH"], "NIX_REMOTE": "dummy://", "LC_ALL": "C.UTF-8"}
    cases = []
    for expr in expressions():
        proc = subprocess.run(
            ["nix226-instantiate", "--eval", "--strict", "-E", expr],
            capture_output=True,
            env=env,
            cwd=FIXTURES,
        )
        err = proc.stderr.decode("utf-8", "surrogateescape").replace(str(FIXTURES), "@FIXTURES@")
        cases.append({"expr": expr, "status": proc.returncode, "stderr": err})
    OUT.write_text(json.dumps(cases, indent=1, ensure_ascii=True) + "\n", encoding="ascii")


if __name__ == "__main__":
    main()
