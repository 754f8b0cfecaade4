"""Record C++ Nix's verdicts for the compiler fixtures (run by hand, needs Nix).

    python tests/compiler/record_nix.py

Writes ``fixtures/nix_verdicts.tsv`` (each case of ``cases.nix-cases``:
whether ``nix-instantiate --parse`` accepts it, and its error) and
``fixtures/parse_fail_nix.tsv`` (each conformance parse-fail file: Nix's
message and the LINE:COL it reports) and ``fixtures/random_programs.tsv``
(random scoping programs with Nix's verdict). Tests read these files; they never
run Nix themselves.

The reference is C++ Nix 2.26.3: ``NIX_INSTANTIATE=nix226-instantiate python
tests/compiler/record_nix.py`` (its ``«stdin»`` is written ``(string)``, the
name analysis uses for unnamed sources). The files were first recorded with
2.8.0, which located inherited names and merged-literal clashes differently.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from cases import load_cases  # noqa: E402
from random_programs import programs  # noqa: E402

CONFORMANCE = HERE.parent / "data" / "conformance" / "nix-lang"
AT = re.compile(r"^\s*at «stdin»:(\d+):(\d+):", re.MULTILINE)


def nix_parse(source: bytes) -> tuple[bool, str, str]:
    """(accepted, first error line, "LINE:COL" of the error or "")."""
    proc = subprocess.run(
        [os.environ.get("NIX_INSTANTIATE", "nix-instantiate"), "--parse", "-"],
        input=source,
        capture_output=True,
    )
    if proc.returncode == 0:
        return True, "", ""
    err = proc.stderr.decode("utf-8", "replace")
    lines = err.strip().splitlines()
    first = next((ln for ln in lines if ln.startswith("error:")), lines[0])
    first = first.removeprefix("error: ").replace("«stdin»", "(string)")
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
