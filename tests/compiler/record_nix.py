"""Record C++ Nix's verdicts for the compiler fixtures (run by hand, needs Nix).

    python tests/compiler/record_nix.py

Writes ``fixtures/nix_verdicts.tsv`` (each case of ``cases.nix-cases``:
whether ``nix-instantiate --parse`` accepts it, and its error) and
``fixtures/parse_fail_nix.tsv`` (each conformance parse-fail file: Nix's
message and the LINE:COL it reports) and ``fixtures/random_programs.tsv``
(random scoping programs with Nix's verdict). Tests read these files; they never
run Nix themselves.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import load_cases  # noqa: E402
from random_programs import programs  # noqa: E402

CONFORMANCE = HERE.parents[1] / "data" / "conformance" / "nix-lang"
AT = re.compile(r"^\s*at «stdin»:(\d+):(\d+):", re.MULTILINE)


def nix_parse(source: bytes) -> tuple[bool, str, str]:
    """(accepted, first error line, "LINE:COL" of the error or "")."""
    proc = subprocess.run(
        ["nix-instantiate", "--parse", "-"],
        input=source,
        capture_output=True,
    )
    if proc.returncode == 0:
        return True, "", ""
    err = proc.stderr.decode("utf-8", "replace")
    first = err.strip().splitlines()[0].removeprefix("error: ")
    at = AT.search(err)
    return False, first, f"{at.group(1)}:{at.group(2)}" if at else ""


def main() -> None:
    lines = ["name\tnix\tmessage"]
    for case in load_cases():
        ok, message, _ = nix_parse(case.source)
        lines.append(f"{case.name}\t{'ok' if ok else 'fail'}\t{message}")
    (HERE / "fixtures" / "nix_verdicts.tsv").write_text("\n".join(lines) + "\n")

    lines = ["program\tnix\tmessage"]
    for program in programs(250):
        ok, message, _ = nix_parse(program.encode())
        lines.append(f"{program}\t{'ok' if ok else 'fail'}\t{message}")
    (HERE / "fixtures" / "random_programs.tsv").write_text("\n".join(lines) + "\n")

    lines = ["name\tmessage\tat"]
    for path in sorted(CONFORMANCE.glob("parse-fail-*.nix")):
        ok, message, at = nix_parse(path.read_bytes())
        assert not ok, path
        lines.append(f"{path.stem}\t{message}\t{at}")
    (HERE / "fixtures" / "parse_fail_nix.tsv").write_text("\n".join(lines) + "\n")


if __name__ == "__main__":
    main()
