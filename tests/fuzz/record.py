"""Record C++ Nix 2.26's answers for generated programs (the differential fixture).

    python -m tests.fuzz.record [--count 300]

Writes ``fixtures/nix_outcomes.json``: each program (seeded, non-hostile
generator) with the exit status and output of
``nix-instantiate --eval --strict -E`` (run from ``/``, empty NIX_PATH).
Programs Nix does not finish within 10 s are left out.
"""

from __future__ import annotations

import argparse
import json
import os
import random
import shutil
import subprocess
from pathlib import Path

from tests.fuzz.grammar import random_program

FIXTURE = Path(__file__).parent / "fixtures" / "nix_outcomes.json"
SEED = 2026
NIX = shutil.which("nix226-instantiate") or "nix226-instantiate"


def main() -> None:
    """Run Nix on each program and write the fixture."""
    p = argparse.ArgumentParser()
    p.add_argument("--count", type=int, default=300)
    count = p.parse_args().count
    rng = random.Random(SEED)
    cases = []
    while len(cases) < count:
        program = random_program(rng, hostile=False)
        try:
            proc = subprocess.run(
                [NIX, "--eval", "--strict", "-E", program],
                capture_output=True,
                cwd="/",
                env={"PATH": os.environ["PATH"], "HOME": "/homeless", "NIX_PATH": ""},
                timeout=10,
            )
        except subprocess.TimeoutExpired:
            continue
        cases.append(
            {
                "program": program,
                "status": proc.returncode,
                "stdout": proc.stdout.decode(errors="replace"),
                "stderr": proc.stderr.decode(errors="replace")[:300],
            }
        )
    FIXTURE.parent.mkdir(exist_ok=True)
    FIXTURE.write_text(json.dumps(cases, indent=1, ensure_ascii=False) + "\n")


if __name__ == "__main__":
    main()
