"""Record what C++ Nix prints for the thunks `test_shared_sets_calls.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_shared_sets_calls

Writes ``fixtures/shared_sets_calls.json`` (see :func:`tests.vm.nix_oracle.record_strict`).
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Sets implied by attribute paths, sets and lists of variables and thunks, and
# thunks `f x` and `v.a.f x` (applied to an operand): values, laziness, order,
# errors met in the values, in the function and in the call, positions, the
# trace entries of attributes, `let` and `rec` groups bound in any order,
# infinite recursion.
CASES: list[str] = [
    "let x = 1; s = { a.b.c = x; a.d = [ x ]; }; in s",
    'let s = { a.b.c = throw "deep"; a.d = 1; }; in s.a.d',
    'let s = { a.b.c = throw "deep"; }; in s.a.b.c',
    'let s = { a.b = { c = throw "in set"; }; }; in s',
    "let s = { a.b.c = s.e; e = 5; }; in s",
    "let s = { a.b.c = s.a.b.c; }; in s.a.b.c",
    'builtins.unsafeGetAttrPos "c" (let s = { a.b.c = 1;\n a.b.d = 2; }; in s.a.b)',
    'let x = throw "x"; s = { a = { b = x; c = 1; }; }; in s.a.c',
    'let x = throw "x"; s = { a = { b = x; c = 1; }; }; in s.a.b',
    'let x = throw "x"; s = { a = [ x 1 ]; }; in builtins.elemAt s.a 1',
    'let x = throw "x"; s = { a = [ x 1 ]; }; in builtins.elemAt s.a 0',
    "let f = x: x + 1; s = { a = [ (f 1) (f 2) ]; }; in s",
    'let f = x: x + 1; s = { a = { b = f "s"; }; }; in s',
    "let f = x: x + 1; s = { a = f 1; }; in s",
    'let f = x: x + 1; s = { a = f "s"; }; in s.a',
    'let f = x: x + 1; s = { a = f "s"; }; in s',
    'let f = x: x + 1; a = f "s"; in a',
    'let f = x: x + 1; in [ (f "s") ]',
    "let f = { y }: y; s = { a = f { }; }; in s.a",
    "let f = { y }: y; s = { a = f { y = 1; z = 2; }; }; in s.a",
    "let f = { y }: y; s = { a = f 1; }; in s.a",
    "let s = { a = 1 2; }; in s.a",
    "let s = { a = toString [ 1 ]; }; in s.a",
    'let s = { a = throw "thrown"; }; in s.a',
    'let s = { a = abort "aborted"; }; in s.a',
    'let f = throw "no f"; s = { a = f 1; }; in s.a',
    "let f = x: f x; s = { a = f 1; }; in s.a",
    "let s = { a = s.f 1; f = x: s.a; }; in s.a",
    "let a = f b; b = { c = 1; }; f = x: x.c; in a",
    "rec { a = f b; b = { c = 2; }; f = x: x.c; }.a",
    "let a = { b = c; }; c = [ a ]; in builtins.length (builtins.head a.b)",
    "let f = x: y: x; s = { a = f 1; }; in s.a 2",
    "let f = x: y: x; s = { a = f 1; }; in s",
    "let s = { a = builtins.length [ 1 2 ]; b = map (x: x) [ 3 ]; }; in s",
    "let s = { a = import 1; }; in s.a",
    "let g = { __functor = self: x: x + self.k; k = 1; }; s = { a = g 2; }; in s",
    "let f = x: assert x > 1; x; s = { a = f 1; }; in s.a",
    "let f = x: x; s = { a.b = f (y: y); }; in s.a.b 7",
    "let f = x: x.y; s = { a = f { y = 1; }; b = f { }; }; in s.a",
    "let f = x: x.y; s = { a = f { y = 1; }; b = f { }; }; in s",
    'let s = { a = builtins.tryEval (throw "t"); }; in s',
    "let f = x: x; in (f { a.b = 1; }).a",
    'let f = x: x; s = { a = f { b.c = throw "in arg"; }; }; in s.a.b.c',
    'let s = { a = { b = builtins.seq (throw "seq") 1; }; }; in s.a.b',
    "let s = { a = [ { b = 1; } ]; c.d = s.a; }; in s",
    "let s = { a = { }; b.c = s.a.d; }; in s",
    "let f = x: x; s = { a = f; b.c = s.a 1; }; in s",
    "let f = x: x; s = { a.b = f; }; in s",
    # `v.a.f x`: the function selected, then called.
    "let lib = { f = x: x + 1; }; s = { a = lib.f 1; }; in s",
    "let lib = { }; s = { a = lib.f 1; }; in s.a",
    "let lib = { g = { }; }; s = { a = lib.g.f 1; }; in s.a",
    'let lib = throw "nolib"; s = { a = lib.g.f 1; }; in s.a',
    'let lib = { g = throw "nog"; }; s = { a = lib.g.f 1; }; in s.a',
    'let lib = { f = throw "nof"; }; in [ (lib.f 1) ]',
    "let s = { a = s.a.f 1; }; in s.a",
    "let lib = { f = 1; }; s = { a = lib.f 1; }; in s.a",
    "let s = { a = builtins.attrNames { x = 1; }; b = builtins.nope 1; }; in s.b",
    "let lib = { f = { y }: y; }; s = { a = lib.f { z = 1; }; }; in s.a",
    "let lib = rec { f = x: g x; g = x: x.h; }; in { a = lib.f { }; }",
    "let l = { f = x: x; }; a = l.f b; b = { c = l.f 3; }; in a",
    # Names a `with` defines, as thunks.
    "let s = with { a = 1; }; { b = a; }; in s",
    "let s = with { }; { b = a; }; in s.b",
    "let s = with 1; { b = a; }; in s.b",
    'let s = with throw "w"; { b = a; }; in s.b',
    'let s = with { a = throw "in a"; }; { b = a; }; in s.b',
    "let s = with { a = s.b; }; { b = a; }; in s.b",
    "let s = with { a = 1; }; with { c = 2; }; { b = [ a c ]; }; in s",
    "let x = 3; s = with { x = 1; }; { b = x; }; in s.b",
    "let s = with { a = 1; }; let y = a; in y; in s",
    "let f = x: x.z; s = with { a = f { }; }; { b = a; }; in s.b",
    "let w = { a = 1; }; s = with w; { b = a; c = b; }; in s.c",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "shared_sets_calls.json")


if __name__ == "__main__":
    main()
