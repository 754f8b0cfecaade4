"""Record what Nix 2.26.3 gives for :data:`source_tree.EXPRESSIONS` (not a test).

Usage: ``python tests/lib26/record_sources.py``. Copies nixpkgs lib 26.11 and
the tree to a temporary directory, evaluates each expression with
``nix226-instantiate --eval --strict`` against a throw-away local store (the
source functions add paths to the store), and writes
``fixtures/sources.json`` with the directories written as ``@LIB@``/``@TREE@``.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from source_tree import EXPRESSIONS, make_tree  # noqa: E402

LIB = HERE.parents[0] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"
OUT = HERE / "fixtures" / "sources.json"


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        root = make_tree(Path(tmp))
        lib = Path(tmp) / "lib"
        shutil.copytree(LIB, lib, symlinks=True)
        env = {
            "PATH": os.environ["PATH"],
            "NIX_REMOTE": f"local?root={tmp}/store-root",
            "LC_ALL": "C.UTF-8",
            "HOME": tmp,
        }
        cases = []
        for template in EXPRESSIONS:
            expr = template.replace("@LIB@", str(lib)).replace("@TREE@", str(root))
            proc = subprocess.run(
                ["nix226-instantiate", "--eval", "--strict", "-E", expr],
                capture_output=True,
                text=True,
                env=env,
            )
            if proc.returncode == 0:
                out = proc.stdout.strip()
            else:
                lines = [ln.strip() for ln in proc.stderr.splitlines()]
                out = [ln for ln in lines if ln.startswith("error: ")][-1]
            out = out.replace(str(lib), "@LIB@").replace(str(root), "@TREE@")
            cases.append({"expr": template, "out": out})
    OUT.parent.mkdir(exist_ok=True)
    OUT.write_text(json.dumps(cases, indent=1) + "\n")


if __name__ == "__main__":
    main()
