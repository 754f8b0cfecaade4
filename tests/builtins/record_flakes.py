"""Record what Nix 2.26.3 gives for the local-flake expressions (not a test).

Usage: ``python tests/builtins/record_flakes.py``. Builds :mod:`flake_tree`
in a temporary directory, evaluates each expression with
``nix226-instantiate --extra-experimental-features flakes`` against a
throw-away local store, and writes ``fixtures/nix226/flakes.json``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from flake_tree import EXPRESSIONS, make_tree  # noqa: E402

OUT = Path(__file__).resolve().parent / "fixtures" / "nix226" / "flakes.json"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_tree(Path(tmp) / "tree")
        env = {
            "PATH": os.environ["PATH"],
            "NIX_REMOTE": f"local?root={tmp}/store-root",
            "LC_ALL": "C.UTF-8",
            "HOME": tmp,
        }
        cases = []
        for template in EXPRESSIONS:
            expr = template.replace("@TREE@", str(root))
            proc = subprocess.run(
                [
                    "nix226-instantiate",
                    "--extra-experimental-features",
                    "flakes",
                    "--eval",
                    "--strict",
                    "-E",
                    expr,
                ],
                capture_output=True,
                text=True,
                env=env,
            )
            if proc.returncode == 0:
                out = proc.stdout.strip()
            else:
                lines = [ln.strip() for ln in proc.stderr.splitlines()]
                out = [ln for ln in lines if ln.startswith("error: ")][-1]
            # The throw-away store's root is not part of the store paths Nix shows.
            out = out.replace(f"{tmp}/store-root", "").replace(str(root), "@TREE@")
            cases.append({"expr": template, "out": out})
    OUT.write_text(json.dumps(cases, indent=1) + "\n")


if __name__ == "__main__":
    main()
