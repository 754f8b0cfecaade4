"""Record what C++ Nix prints for the thunks `test_shared_code.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_shared_code

Writes ``fixtures/shared_code.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

import json
from pathlib import Path

from tests.vm.nix_oracle import record

HERE = Path(__file__).resolve().parent

# `inherit (e) names` in plain sets, `rec` sets, `let` and `let { }`, and
# thunks that are a selection path on a variable (`x.a.b`): values, laziness,
# missing attributes, sources that fail or are not sets, attributes that fail
# themselves, sources bound after the names that use them.
CASES: list[tuple[str, list[str]]] = [
    ("let x = { }; s = { inherit (x) a; }; in s.a", []),
    ("let x = { aa = 1; }; inherit (x) a; in a", []),
    ("rec { inherit ({ }) a; b = a; }.b", []),
    ('{ inherit (throw "boom") a; }.a', []),
    ("{ inherit (1) a; }.a", []),
    ('let s = { inherit ({ a = throw "inner"; }) a; }; in s.a', []),
    ('let s = { inherit (throw "never") a; b = 1; }; in s.b', []),
    ('let inherit (throw "never") a; in 1', []),
    ("{ inherit ({ a = 1; b = 2; }) a b; }", []),
    ("{ inherit ({ a = 1; }) a; }", ["--no-strict"]),
    ("let inherit (b) x; b = a; a = { x = 5; }; in x", []),
    ("rec { inherit (s) x; s = { x = 3; }; }.x", []),
    ("rec { inherit ({ x = 1; }) x; __overrides = { x = 2; }; y = x; }.y", []),
    ("let a = { b = { c = 1; }; }; inherit (a.b) c; in c", []),
    ("(x: { inherit (x) a; }) { a = 1; }", []),
    ("let s = { inherit (t) a; }; t = { inherit (u) a; }; u = { }; in s.a", []),
    ("let s = { inherit (s) a; }; in s.a", []),
    ("let { inherit ({ a = 1; }) a; body = a; }", []),
    ("let { inherit ({ }) a; body = a; }", []),
    ('let s = { inherit (throw "x") a; }; in (builtins.tryEval s.a).success', []),
    ('let x = { a = throw "in let"; }; inherit (x) a; in a + 1', []),
    ("let f = { a }: a; s = { inherit ({ a = f { }; }) a; }; in s.a", []),
    ("let x = { }; s = { a = x.b.c; }; in s.a", []),
    ("let x = { b = 1; }; s = { a = x.b.c; }; in s.a", []),
    ('let x = { b = throw "t"; }; s = { a = x.b.c; }; in s.a', []),
    ('let x = { b = { c = throw "t"; }; }; s = { a = x.b.c; }; in s.a', []),
    ("let x = { }; y = x.b; in y", []),
    ("(x: { a = x.b; }) { }", []),
    ("let f = x: [ x.b ]; in f { }", []),
    ('let x = { }; in { a = x."b c"; }', []),
    ("rec { x = { }; a = x.b; }.a", []),
    ('let x = throw "t"; s = { a = x.b; }; in s.a', []),
    ("let x = { b = { c = 7; }; }; s = { a = x.b.c; d = x.b; }; in s", []),
    ("let x = { b = { c = 7; }; }; in { a = x.b.c; }", ["--no-strict"]),
    ("let s = { a.b = s.c.d; c = { }; }; in s.a.b", []),
    ("let x = { a = x.b; b = x.a; }; in x.a", []),
    ("let f = y: y + 1; g = x: f x.b; in g { }", []),
    ("let f = y: y + 1; g = x: f x.b.c; in g { b = 1; }", []),
    ("let g = x: let a = x.b.c; in a; in g { b = { }; }", []),
    ('(x: let a = x.b; in a) (throw "t")', []),
    ("(x: let a = x.b; in a) { b = 2; }", []),
    ("let f = y: y; g = x: f x.b; in g { b = 3; }", []),
    ('{ a = [ ]; b = { }; c = [ 1 "x" true null 1.5 ]; d = { x = 1; y = "s"; }; }', []),
    ('{ a = [ ]; b = { }; c = [ 1 "x" ]; d = { x = 1; }; }', ["--no-strict"]),
    ('builtins.unsafeGetAttrPos "y" ({ v = { x = 1;\n y = "s"; }; }).v', []),
    ('let f = x: { a = [ "s" ]; b = { c = 1; }; e = { }; }; in [ (f 1) (f 2) ]', []),
    ("let s = { a = { c = 1; }; }; in [ s.a s.a ]", []),
    ("let s = { a = { c = 1; }; }; in [ s.a s.a ]", ["--no-strict"]),
    ("let s = { a = [ 1 ]; }; in s.a ++ [ 2 ] ++ s.a", []),
    ("let f = x: { l = [ x ]; }; in builtins.length (f 1).l", []),
    ("rec { a = { }; b = [ ]; c = a; }", []),
    ("let l = [ [ ] [ ] ]; in builtins.seq l l", ["--no-strict"]),
    ("{ a = [ ]; b = [ [ ] ]; c = let x = [ ]; in x; }", ["--no-strict"]),
    ("let e = [ ]; f = x: [ ]; in [ e e (f 1) (f 2) ]", []),
    ("let a = { x = 1; }; b = [ 2 ]; in a // { y = b; }", []),
]

FLAGS = [[], ["--show-trace"]]


def _run(expr: str, flags: list[str]) -> dict[str, object]:
    strict = [] if "--no-strict" in flags else ["--strict"]
    return record(expr, [*strict, *(f for f in flags if f != "--no-strict")])


def main() -> None:
    out = [_run(expr, [*flags, *more]) for expr, more in CASES for flags in FLAGS]
    (HERE / "fixtures" / "shared_code.json").write_text(json.dumps(out, indent=1) + "\n")


if __name__ == "__main__":
    main()
