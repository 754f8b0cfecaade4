"""Record nix-instantiate's results for random programs (run by hand, not by pytest).

    python tests/vm/record_random.py

Programs come from the compiler tests' generator (scoping stress: let, rec,
with, lambdas, inherit). Writes ``fixtures/random_eval.json``: for each
program, Nix's exit status with ``--eval --strict`` and its stdout.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent / "compiler"))

from random_programs import programs  # noqa: E402


def main() -> int:
    out = []
    for seed in (7, 11, 2024):
        for program in programs(200, seed=seed):
            proc = subprocess.run(
                ["nix-instantiate", "--eval", "--strict", "-E", program],
                capture_output=True,
                cwd="/",
                env={"PATH": "/usr/bin:/bin", "HOME": "/homeless"},
            )
            out.append(
                {
                    "program": program,
                    "status": proc.returncode,
                    "stdout": proc.stdout.decode("utf-8", "surrogateescape"),
                }
            )
    (HERE / "fixtures" / "random_eval.json").write_text(json.dumps(out, indent=0) + "\n")
    ok = sum(1 for c in out if c["status"] == 0)
    print(f"recorded {len(out)} programs ({ok} evaluate)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
