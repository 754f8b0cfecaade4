"""Record the fixtures of ``test_pair_calls.py`` (run by hand, not by pytest).

    python -m tests.vm.record_pair_calls nix
        writes ``fixtures/pair_calls.json``: what nix-instantiate 2.26.3 prints
        (exit status, stdout, stderr) for each of :data:`CASES`, plain and with
        ``--show-trace`` (needs ``nix226-instantiate``);
    PYTHONHASHSEED=0 PYTHONPATH=MAIN python -m tests.vm.record_pair_calls budgets OUT.json
        writes, from main's tree (before the pair form), each of :data:`PROGRAMS`'
        outcomes unlimited, at every call-depth limit 1-8 and every step budget.

A tail `f a b ...` whose `f` is a builtin given all its arguments returns
``Call(f, (a, b, ...), site)`` (all at once, see ``values.Call``), in
lambda bodies, thunk bodies and ``runtime.apply_late`` (the head a thunk not
evaluated yet); the loop starts it in ``_tail``, in ``_run``'s thunk path and
in ``_dispatch`` (past the call-depth limit). Errors raised by the builtin
itself (its argument checks), in what it calls back, and when its result is
used; the builtin under another name, builtins of three arguments beside it.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.vm.nix_oracle import record_strict
from tests.vm.record_loop21_tails import budget_record

HERE = Path(__file__).resolve().parent

CASES = [
    # in a lambda's body: values, the builtin's own checks, a callback failing
    "let g = z: builtins.map z [ 1 2 ]; in g (x: x * 2)",
    "let g = z: builtins.elemAt z 5; in g [ 1 ]",
    'let g = z: builtins.elemAt z "a"; in g [ 1 ]',
    'let g = z: builtins.map z [ 1 "b" ]; in g (x: x + 1)',
    "let g = z: builtins.filter z [ 1 2 3 ]; in g (x: x > 1)",
    "let g = z: builtins.filter z [ 1 2 3 ]; in g (x: x)",
    'let g = s: builtins.getAttr "x" s; in g { y = 1; }',
    'let g = s: builtins.getAttr "x" s; in g { x = 4; }',
    "let g = n: builtins.genList (i: i * n) 3; in g 2",
    "let g = n: builtins.genList (i: i * n) n; in g (-1)",
    # in a thunk's body, under another name, nested in a list and a set
    "let m = builtins.map; xs = m (x: x + 1) [ 1 ]; in xs",
    'let m = builtins.map; xs = m (x: x + 1) [ "a" ]; in xs',
    "let e = builtins.elemAt; in { a = e [ 1 2 ] 1; b = e [ ] 0; }",
    "let e = builtins.elemAt; in [ (e [ 1 2 ] 0) ]",
    # the head a thunk not evaluated yet (`apply_late`): two and three arguments
    "let m = builtins.head [ builtins.map ]; in [ (m (x: x) [ 3 ]) ]",
    "let m = builtins.head [ builtins.elemAt ]; in [ (m [ 3 ] 4) ]",
    "let m = builtins.head [ builtins.foldl' ]; in [ (m (a: b: a + b) 0 [ 3 ]) ]",
    'let m = builtins.head [ builtins.foldl\' ]; in [ (m (a: b: a + b) 0 [ "c" ]) ]',
    # builtins of three arguments: in a lambda's body, in a thunk's, failing
    "let g = z: builtins.foldl' z 0 [ 1 2 ]; in g (a: b: a - b)",
    'let g = z: builtins.foldl\' z 0 [ 1 "x" ]; in g (a: b: a + b)',
    "let f = builtins.foldl'; xs = f (a: b: a ++ [ b ]) [ ] [ 1 2 ]; in xs",
    'let r = builtins.replaceStrings; s = r [ "a" ] [ "b" ] "aa"; in s',
    'let r = builtins.replaceStrings; s = r [ "a" ] "b" "aa"; in s',
    # a tail recursion through a builtin of two arguments
    "let f = n: if n == 0 then [ ] else builtins.map (x: x) (f (n - 1)); in f 20",
    "let f = n: builtins.seq n (if n == 0 then 0 else f (n - 1)); in f 30",
]

# Budget outcomes (main's, recorded): depths and steps of the calls' loop trips.
PROGRAMS = [
    "let g = z: builtins.map z [ 1 2 ]; in builtins.head (g (x: x * 2))",
    "let g = z: builtins.elemAt z 5; in g [ 1 ]",
    "let m = builtins.map; xs = m (x: x + 1) [ 1 ]; in builtins.head xs",
    "let m = builtins.head [ builtins.elemAt ]; in builtins.head [ (m [ 3 ] 0) ]",
    "let f = n: builtins.seq n (if n == 0 then 0 else f (n - 1)); in f 6",
    'let g = s: builtins.getAttr "x" s; in (g { x = 4; }) + (g { x = 1; })',
    "let g = z: builtins.foldl' z 0 [ 1 2 3 ]; in g (a: b: a + b)",
    "let f = builtins.foldl'; xs = f (a: b: a ++ [ b ]) [ ] [ 1 ]; in builtins.head xs",
]


def main() -> None:
    if sys.argv[1] == "nix":
        record_strict(CASES, HERE / "fixtures" / "pair_calls.json")
        return
    out = [budget_record(text) for text in PROGRAMS]
    Path(sys.argv[2]).write_text(json.dumps(out, indent=0))


if __name__ == "__main__":
    main()
