"""Record what C++ Nix 2.26.3 prints for ``test_attrs_repr.py`` (run by hand, not by pytest).

    python tests/vm/record_attrs_repr.py

Writes ``fixtures/attrs_repr.json``: per expression, written to a file
``case.nix`` in a fresh directory, ``nix-instantiate --eval --strict case.nix``'s
exit status, stdout and whole stderr (trace included), the directory replaced
by ``<dir>`` (positions name the file; ``-E`` strings have none).
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

# Positions through `//` (shared and merged tables), the builtins whose
# applications skip round trips through the loop, and their errors.
CASES = [
    "let a = { x = 1; y = 2; }; b = { y = 3; z = 4; }; c = a // b // { w = 5; };"
    ' in map (n: builtins.unsafeGetAttrPos n c) [ "x" "y" "z" "w" "v" ]',
    'let a = { x = 1; }; d = builtins.foldl\' (acc: i: acc // { "k${toString i}" = i; }) a'
    " (builtins.genList (i: i) 300);"
    ' in map (n: builtins.unsafeGetAttrPos n d) [ "x" "k0" "k150" "k299" ]',
    "let s = { a = 1; } // builtins.mapAttrs (n: v: v) { b = 2; a = 3; };"
    ' in [ (builtins.unsafeGetAttrPos "a" s) (builtins.unsafeGetAttrPos "b" s) ]',
    'let s = builtins.listToAttrs [ { name = "k"; value = 1; } { name = "k"; value = 2; } ];'
    ' in [ s (builtins.unsafeGetAttrPos "k" s) ]',
    "let s = { a = 1; b = 2; } // { c = 3; };"
    ' in [ (builtins.unsafeGetAttrPos "a" (builtins.removeAttrs s [ "b" ]))'
    ' (builtins.unsafeGetAttrPos "c" (builtins.intersectAttrs { c = 0; } s)) ]',
    "let f = builtins.functionArgs (x: x); in [ f (f // { a = 1; }) f"
    " (builtins.functionArgs builtins.map) ]",
    "builtins.foldl' (acc: x: acc + x) 0 [ 1 2 3 ]",
    'builtins.foldl\' (acc: x: acc // { ${x} = acc; }) { } [ "a" "b" ]',
    "builtins.foldl' ({ a }: x: { a = x; }) { b = 1; } [ 1 ]",
    "builtins.foldl' (acc: { a }: acc + a) 0 [ { a = 1; } { b = 2; } ]",
    'builtins.mapAttrs (name: value: name + value) { x = "1"; y = "2"; }',
    "builtins.mapAttrs ({ a }: v: v) { x = 1; }",
    "builtins.mapAttrs (n: { a }: a) { x = { a = 1; }; y = { b = 1; }; }",
    "builtins.zipAttrsWith (n: vs: vs) [ { a = 1; } { a = 2; b = 3; } ]",
    "builtins.zipAttrsWith (n: builtins.length) [ { a = 1; } { a = 2; b = 3; } ]",
    "builtins.sort (a: b: a < b) [ 3 1 2 5 4 ]",
    "builtins.sort (a: b: 1) [ 1 2 ]",
    "builtins.sort (a: b: a.k < b.k) [ { k = 2; } { k = 1; } { j = 3; } ]",
    "builtins.filter (x: true) [ 1 2 ]",
    "builtins.filter (x: 1) [ 1 ]",
    "builtins.filter (x: x > 1) [ 1 2 3 ]",
    "builtins.concatMap (x: [ x x ]) [ 1 2 ]",
    "builtins.concatMap (x: x) [ 1 ]",
    "builtins.partition (x: x > 1) [ 1 2 3 ]",
    'builtins.groupBy (x: if x > 1 then "big" else "small") [ 1 2 3 ]',
    "builtins.groupBy (x: 1) [ 1 ]",
    "[ (builtins.all (x: true) [ 1 ]) (builtins.any (x: false) [ 1 ]) ]",
    "builtins.map (x: x + 1) (builtins.genList (i: i) 600)",
]


def main() -> int:
    """Run C++ Nix on every case and write the fixture."""
    exe = os.environ.get("NIX_INSTANTIATE") or shutil.which("nix226-instantiate")
    exe = exe or "nix-instantiate"
    out = []
    for expr in CASES:
        with tempfile.TemporaryDirectory() as tmp:
            (Path(tmp) / "case.nix").write_text(expr + "\n")
            proc = subprocess.run(
                [exe, "--eval", "--strict", "case.nix"],
                capture_output=True,
                cwd=tmp,
                env={"PATH": os.environ.get("PATH", "/usr/bin:/bin"), "HOME": "/homeless"},
            )
        out.append(
            {
                "expr": expr,
                "status": proc.returncode,
                "stdout": proc.stdout.decode().replace(tmp, "<dir>"),
                "stderr": proc.stderr.decode().replace(tmp, "<dir>"),
            }
        )
    (HERE / "fixtures" / "attrs_repr.json").write_text(json.dumps(out, indent=1) + "\n")
    print(f"recorded {len(out)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
