"""Record what C++ Nix prints for the traces `test_applied_sites.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_applied_sites

Writes ``fixtures/applied_sites.json``: for each expression and each of
plain and ``--show-trace`` output, nix-instantiate's exit status, stdout and
stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Selections from a non-set (Nix: "while selecting an attribute" at the
# selection, the error without a position), `length`'s argument entry (type
# errors only), lazily applied functions: `map`/`genList` elements that
# `--strict` printing forces (called from the lambda itself), that a builtin
# hands back (`head`, `elemAt`: no call site, the builtin's entry), and
# `mapAttrs` values (the attribute's entry outside the lambda's); `--strict`
# printing and `deepSeq` (depth first, each attribute's entry on an error
# anywhere in its value, positions in `-E` text).
CASES = [
    "let x = 1; in x.a",
    "let s = { a = 1; }; in s.a.b",
    '{ a = "s"; }.a.b.c',
    "let f = x: x.y; in f 2",
    "{ inherit (3) a; }.a",
    "let s = { a = true; }; in s.a.b or 1",
    'let n = "k"; v = [ ]; in v.${n}',
    "builtins.length 1",
    'builtins.length (throw "no list")',
    "let xs = { a = 1; }.b; in builtins.length xs",
    "builtins.length (builtins.map (x: x) 1)",
    'builtins.map (x: throw "t") [ 1 ]',
    "builtins.map (x: x.a) [ 1 ]",
    "let f = o: o.name; in builtins.map f [ { name = 1; } { } ]",
    "let g = a: b: a.x; in builtins.map (g 1) [ 2 ]",
    'builtins.map (x: throw "t") [ null ]',
    'let f = x: throw "t"; in builtins.map (x: f x) [ 1 ]',
    "builtins.map (x: builtins.map (y: y.a) [ x ]) [ 1 ]",
    "builtins.map (builtins.map (x: x.a)) [ [ 1 ] ]",
    'builtins.genList (x: throw "t") 2',
    'let f = x: throw "t"; in builtins.genList f 2',
    'builtins.head (builtins.map (x: throw "t") [ 1 ])',
    'let xs = map (x: throw "t") [ 1 ]; in builtins.elemAt xs 0',
    '[ (builtins.head (builtins.map (x: throw "t") [ 1 ])) ]',
    "{ a = builtins.head (builtins.map (x: x.b) [ 1 ]); }",
    "builtins.mapAttrs (n: v: v.x) { a = 1; }",
    'let f = n: v: throw "no ${n}"; in builtins.mapAttrs (n: v: f n v) { a = 1; }',
    'builtins.mapAttrs (n: v: n + v) { a = "x"; b = 1; }',
    'builtins.attrValues (builtins.mapAttrs (n: v: throw "x") { a = 1; })',
    '{ a = { x = throw "1"; }; b = throw "2"; }',
    '{ a = [ (throw "x") ]; }',
    '{ a = { b = [ 1 (throw "x") ]; }; }',
    'let l = [ (throw "x") ]; in { a = l; }',
    'let s = { a = s; b = { c = throw "x"; }; }; in s',
    'builtins.deepSeq { a = builtins.map (x: throw "t") [ 1 ]; } 0',
    'builtins.deepSeq { a = { b = [ (throw "deep") ]; }; } 0',
    "let f = x: { v = [ x.y ]; }; in { r = f { }; }",
    'let x = { a = throw "x"; }; in { p = x; q = x; }',
    "let s = rec { a = { inherit b; }; b = { inherit a; }; }; in s",
    "let l = [ 1 l2 ]; l2 = [ l ]; in l",
    "rec { a = [ b ]; b = { c = a; }; }",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "applied_sites.json")


if __name__ == "__main__":
    main()
