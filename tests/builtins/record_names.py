"""Record Nix 2.26.3's builtin and global names (not a test).

Usage: ``python tests/builtins/record_names.py``. Writes to ``fixtures/nix226/``:
``builtin_names.nix`` / ``builtin_names_flakes.nix`` (``builtins.attrNames
builtins`` without and with ``--extra-experimental-features flakes``) and
``global_names.txt`` / ``global_names_flakes.txt``: every name ``n`` or
``__n`` (for each builtin ``n``) that evaluates rather than being an
undefined variable, probed one by one.
"""

from __future__ import annotations

import re
import subprocess
from pathlib import Path

HERE = Path(__file__).resolve().parent / "fixtures" / "nix226"
FLAKES = ["--extra-experimental-features", "flakes"]


def _eval(expr: str, extra: list[str]) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        ["nix226-instantiate", *extra, "--eval", "--strict", "-E", expr],
        capture_output=True,
        text=True,
    )


def main() -> None:
    for suffix, extra in [("", []), ("_flakes", FLAKES)]:
        listing = _eval("builtins.attrNames builtins", extra).stdout
        (HERE / f"builtin_names{suffix}.nix").write_text(listing)
        visible = []
        for name in re.findall(r'"([^"]+)"', listing):
            for candidate in (name, f"__{name}"):
                proc = _eval(f"builtins.seq ({candidate}) null", extra)
                if "undefined variable" not in proc.stderr:
                    visible.append(candidate)
        (HERE / f"global_names{suffix}.txt").write_text("\n".join(sorted(visible)) + "\n")


if __name__ == "__main__":
    main()
