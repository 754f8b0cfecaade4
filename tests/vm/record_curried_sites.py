"""Record the fixtures of ``test_curried_sites.py`` (run by hand, not by pytest).

    python -m tests.vm.record_curried_sites nix
        writes ``fixtures/curried_sites.json``: what nix-instantiate 2.26.3 prints
        (exit status, stdout, stderr) for each of :data:`CASES`, plain and with
        ``--show-trace`` (needs ``nix226-instantiate``);
    PYTHONHASHSEED=0 PYTHONPATH=MAIN python -m tests.vm.record_curried_sites budgets OUT.json
        writes, from main's tree (before call sites used the mark), each of
        :data:`PROGRAMS`' outcomes (value, or message, span and trace entries)
        unlimited, at every call-depth limit 1-8 and at every step budget.

Call sites `f a b ...` of a lambda `a: b: body` the code generator marked start
its inner body with both arguments (``runtime.apply_head``, ``r_head``): in
tail position of a thunk or a lambda, not in tail position, with a third
argument; heads that are not marked (`_:`, formals, `let`) or not lambdas; inner
bodies that end at once, wait, fail, trace, end in calls or give functions.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.vm.nix_oracle import record_strict
from tests.vm.record_loop21_tails import budget_record

HERE = Path(__file__).resolve().parent

CASES = [
    "let f = x: y: x + y; in f 1 2",
    "let f = x: y: x + y; in [ (f 1 2) ]",
    "let f = x: y: x + y; g = z: f z 1; in g 2",
    "let f = x: y: x + y; g = z: [ (f z 1) ]; in g 2",
    'let f = x: y: x + y; in f 1 "a"',
    'let f = x: y: x + y; g = z: f z "a"; in g 1',
    'let f = x: y: x + y; g = z: (f z "a") + 1; in g 1',
    'let f = x: y: throw "boom ${toString y}"; g = z: f z 1; in g 2',
    'let f = x: y: throw "boom"; in [ (f 1 2) ]',
    "let f = x: y: y.a; g = z: f z { }; in g 2",
    "let f = x: y: builtins.head y; g = z: f z [ ]; in g 2",
    "let f = x: y: builtins.head y; in { r = f 1 [ ]; }",
    "let g = a: b: c: a + b + c; in g 1 2 3",
    'let g = a: b: c: a + b + c; in g 1 2 "x"',
    "let g = a: b: c: a + b + c; h = n: g n 2 3; in h 1",
    "let g = a: b: { c }: a + b + c; in g 1 2 { d = 1; }",
    "let g = a: b: { c }: a + b + c; in g 1 2 { }",
    "let f = x: y: z: w: x + y + z + w; in f 1 2 3 4",
    "let f = _: y: y + 1; in f 1 2",
    "let f = _: y: y.a; in f 1 { }",
    "let f = { a }: y: a + y; in f { a = 1; } 2",
    "let f = x: let k = x; in y: k + y; in f 1 2",
    "let f = x: y: x; in f 1 2 3",
    "let c = 10; f = x: y: x + y + c; l = builtins.genList (i: f i i) 3; in l",
    'let f = x: y: builtins.trace "t ${toString x}" (x + y); in f 1 2',
    "let f = x: y: if y == 0 then x else f (x + y) (y - 1); in f 0 100",
    'let f = x: y: if y == 0 then throw "end ${toString x}" else f (x + y) (y - 1); in f 0 3',
    "let f = x: y: g y x; g = a: b: a - b; in f 1 2",
    "let f = x: y: g y x; g = a: b: a.q; in f 1 2",
    "let f = x: y: builtins.map (e: e + x) y; in f 1 [ 1 2 ]",
    'let f = x: y: builtins.map (e: e + x) y; in f 1 [ 1 "s" ]',
    "let f = x: y: v: x + y + v; h = f 1 2; in h 3",
    'let f = x: y: v: x + y + v; h = f 1 2; in h "q"',
    "let s = { f = x: y: x * y; }; in s.f 6 7",
    "let s = { f = x: y: x * y; }; g = n: s.f n null; in g 6",
    'let f = x: y: x + y; in builtins.tryEval (f 1 "z")',
    "let f = x: y: assert y > 0; x; in f 1 0",
    "let f = a: b: a < b; in builtins.sort f [ 3 1 2 ]",
    "let f = acc: x: acc + x; g = a: b: f a b; in builtins.foldl' g 0 [ 1 2 3 ]",
    'let f = acc: x: acc + x; g = a: b: f a b; in builtins.foldl\' g 0 [ 1 2 "z" ]',
    "let f = x: y: x + y; in builtins.seq (f 1) (f 1 2)",
    # plain inner bodies giving a thunk to evaluate in the call's place (a tail)
    'let f = x: y: x; in f (throw "a") 1',
    'let f = x: y: y; g = z: f 1 z; in g (throw "b")',
    'let f = x: y: y; g = z: [ (f 1 z) ]; in g (throw "c")',
    "let c = 5; f = x: y: { s = x + y + c; }; in (f 1 2).s",
]

# Budget outcomes (main's, recorded): depths and steps of the sites' loop trips.
PROGRAMS = [
    "let f = x: y: x + y; in f 1 2",
    "let f = x: y: x + y; g = z: f z 1; in (g 2) + (f 3 4)",
    'let f = x: y: throw "boom"; g = z: f z 1; in g 2',
    "let f = x: y: y.a; g = z: f z { }; in g 2",
    "let g = a: b: c: a + b + c; h = n: g n 2 3; in h 1",
    "let f = x: y: if y == 0 then x else f (x + y) (y - 1); in f 0 12",
    "let f = x: y: if y == 0 then x else 1 + f (x + y) (y - 1); in f 0 12",
    "let f = x: y: g y x; g = a: b: a.q; in f 1 2",
]


def main() -> None:
    if sys.argv[1] == "nix":
        record_strict(CASES, HERE / "fixtures" / "curried_sites.json")
        return
    out = [budget_record(text) for text in PROGRAMS]
    Path(sys.argv[2]).write_text(json.dumps(out, indent=0))


if __name__ == "__main__":
    main()
