"""Record the fixtures of ``test_head_sites.py`` (run by hand, not by pytest).

    python -m tests.vm.record_head_sites nix
        writes ``fixtures/head_sites.json``: what nix-instantiate 2.26.3 prints
        (exit status, stdout, stderr) for each of :data:`CASES`, plain and with
        ``--show-trace`` (needs ``nix226-instantiate``);
    PYTHONHASHSEED=0 PYTHONPATH=MAIN python -m tests.vm.record_head_sites budgets OUT.json
        writes, from main's tree (before `r_head`), each of :data:`PROGRAMS`'
        outcomes unlimited, at every call-depth limit 1-8 and every step budget.

The first application of a call site `f a b ...` is ``runtime.apply_head``
(``r_head`` in generated code): the marks' tuple forms (`_: b:` lambdas, inner
bodies with a plain twin), heads that are builtins of arity 2 and 3, functors,
values that are no function, lambdas with formals; thunks whose head is not
evaluated yet (``runtime.apply_late``, which uses it too), tail and other
positions, three and four arguments, errors in either application.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.vm.nix_oracle import record_strict
from tests.vm.record_loop21_tails import budget_record

HERE = Path(__file__).resolve().parent

CASES = [
    # `_: b:` (the mark a 1-tuple): tail, not tail, in a lambda, with a capture
    "let c = 1; f = _: y: y + c; in f 0 2",
    "let c = 1; f = _: y: y + c; in [ (f 0 2) ]",
    "let c = 1; f = _: y: y + c; g = z: f z 3; in g 0",
    "let c = 1; f = _: y: y + c; g = z: (f z 3) * 2; in g 0",
    'let c = 1; f = _: y: y + c; g = z: f z "a"; in g 0',
    'let c = 1; f = _: y: y + c; in [ (f 0 "a") ]',
    'let f = _: y: z: y + z; in f 0 1 "a"',
    # an inner body with a plain twin (`x: y: x < y`), given thunks and errors
    "let f = x: y: x < y; in [ (f 1 2) (f (1 + 1) 2) ]",
    'let f = x: y: x < y; in [ (f 1 "a") ]',
    'let f = x: y: x < y; g = z: f z (throw "t"); in g 1',
    # the head a thunk not evaluated yet (`r_apply_late`), three and four arguments
    "let f = x: y: z: x + y + z; in [ (f 1 2 3) ]",
    'let f = x: y: z: x + y + z; in [ (f 1 2 "a") ]',
    "let f = x: y: z: w: x * y * z * w; in [ (f 1 2 3 4) ]",
    "let f = builtins.head [ (x: y: z: x + y + z) ]; in [ (f 1 2 3) ]",
    'let f = builtins.head [ (x: y: z: x + y + z) ]; in [ (f 1 "b" 3) ]',
    "let f = builtins.head [ (x: y: x - y) ]; in [ (f 5 2) ]",
    'let f = builtins.head [ (x: y: x - y) ]; in [ (f 5 "b") ]',
    'let f = builtins.head [ (_: y: y) ]; in [ (f 5 (throw "u")) ]',
    "let f = { a }: y: z: a + y + z; in [ (f { a = 1; } 2 3) ]",
    "let f = { a }: y: z: a + y + z; in [ (f { } 2 3) ]",
    # builtins of arity 2 and 3 as heads, in tail position and not
    "let h = builtins.foldl' (a: b: a + b) 0; in h [ 1 2 ]",
    'let h = builtins.foldl\' (a: b: a + b) 0; in h [ 1 "x" ]',
    "let g = z: builtins.map z [ 1 ]; in g (x: x + 1)",
    'let g = z: builtins.map z [ 1 ]; in g (x: x + "a")',
    "let g = z: builtins.elemAt z 5; in g [ 1 ]",
    "let g = z: (builtins.elemAt z 0) + 1; in g [ 1 ]",
    "let g = z: builtins.foldl' z 0 [ 1 2 ]; in g (a: b: a - b)",
    "let m = builtins.map; g = z: m z [ 1 ]; in g (x: x * 3)",
    "let m = builtins.foldl'; in [ (m (a: b: b) 0 [ 4 ]) ]",
    # functors, values that are no function, a builtin of arity 1 given two
    "let s = { __functor = self: a: b: a + b; }; in s 1 2",
    'let s = { __functor = self: a: b: a + b; }; g = z: s z "q"; in g 1',
    "let x = 1; in x 2 3",
    "let x = 1; g = z: x z 3; in g 2",
    "let x = 1; in [ (x 2 3) ]",
    "let h = builtins.toString; in h 1 2",
    "let h = builtins.isInt; g = z: h z 2; in g 1",
    # the second application fails, a third argument after a marked pair
    "let f = x: y: x; in f 1 2 3",
    "let f = x: y: y; g = z: f 1 z 3; in g (a: a + 1)",
    "let f = x: y: x; g = z: f z 1 2; in g (a: b: a * b)",
    'let f = x: y: x; g = z: (f z 1 "b") + 1; in g (a: b: a * b)',
]

# Budget outcomes (main's, recorded): depths and steps of the sites' loop trips.
PROGRAMS = [
    "let c = 1; f = _: y: y + c; g = z: f z 3; in (g 0) + (f 1 2)",
    "let f = x: y: z: x + y + z; in builtins.head [ (f 1 2 3) ]",
    'let f = builtins.head [ (x: y: z: x + y + z) ]; in builtins.head [ (f 1 "b" 3) ]',
    "let g = z: builtins.map z [ 1 ]; in builtins.head (g (x: x + 1))",
    "let s = { __functor = self: a: b: a + b; }; in s 1 2",
    "let f = x: y: x < y; g = z: f z 2; in (g 1) && (f 2 1)",
]


def main() -> None:
    if sys.argv[1] == "nix":
        record_strict(CASES, HERE / "fixtures" / "head_sites.json")
        return
    out = [budget_record(text) for text in PROGRAMS]
    Path(sys.argv[2]).write_text(json.dumps(out, indent=0))


if __name__ == "__main__":
    main()
