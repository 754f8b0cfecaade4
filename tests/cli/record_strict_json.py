"""Record C++ Nix's `nix-instantiate --eval --strict --json` answers for
``test_strict_json.py`` (run by hand where Nix 2.26 is installed):

    python tests/cli/record_strict_json.py [NIX_INSTANTIATE]

Each case is written to a file and evaluated; stored: the exit status, the
output and the message of the error (its last ``error:`` line: no paths).
"""

from __future__ import annotations

import json
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
FIXTURE = HERE / "fixtures" / "strict_json.json"

# Nix's JSON printer forces as it prints: a set with `outPath` (or
# `__toString`) prints as that string and its other attributes are never
# forced; the first error met in printing order is the one reported.
CASES = [
    '{ a = { type = "derivation"; outPath = "x"; b = throw "no"; }; }',
    '{ a = { outPath = "x"; b = throw "no"; }; }',
    '{ s = { __toString = self: "str"; x = throw "no"; }; }',
    '{ a = { outPath = "x"; b = throw "no"; }; c = [ (x: x) (throw "later") ]; }',
    '[ 1 (throw "first") (x: x) ]',
    '{ b = throw "b"; a = throw "a"; }',
    '{ a = [ { b = 1; c = [ (throw "deep") ]; } ]; z = x: x; }',
    "let x = { a = 1; }; in [ x x { y = x; } ]",
]


def error_line(stderr: str) -> str:
    """The message of an error report: its last line starting with ``error:``."""
    found = [line.strip() for line in stderr.splitlines() if line.strip().startswith("error:")]
    return found[-1] if found else ""


def main() -> int:
    exe = sys.argv[1] if len(sys.argv) > 1 else "nix226-instantiate"
    out = []
    with tempfile.TemporaryDirectory() as tmp:
        for i, expr in enumerate(CASES):
            file = Path(tmp) / f"case{i}.nix"
            file.write_text(expr + "\n")
            proc = subprocess.run(
                [exe, "--eval", "--strict", "--json", str(file)], capture_output=True, text=True
            )
            out.append(
                {
                    "expr": expr,
                    "status": proc.returncode,
                    "stdout": proc.stdout.rstrip("\n"),
                    "error": error_line(proc.stderr) if proc.returncode else "",
                }
            )
    FIXTURE.write_text(json.dumps(out, indent=1) + "\n")
    print(f"recorded {len(out)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
