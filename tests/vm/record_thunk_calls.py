"""Record ``fixtures/thunk_calls.json`` from main's tree (on PYTHONPATH):

    PYTHONHASHSEED=0 PYTHONPATH=MAIN python tests/vm/record_thunk_calls.py OUT.json

Thunks whose code gives a call (`f x`, `f` a lambda or a builtin given its last
argument, evaluated or not), which the loop starts itself: for each program its
outcome (value, or message, span and trace entries with spans), at every
call-depth limit from 1 to 8, and at every step budget until the outcome is the
unlimited one.
"""

from __future__ import annotations

import json
import sys
from pathlib import Path

from tests.vm.record_loop21_tails import budget_record

PROGRAMS = [
    # a lambda variable, evaluated before the thunk runs, failing in its body
    "let f = x: x.a; r = f { }; in builtins.seq f r",
    # a lambda variable not yet evaluated; a chain of thunks `f x` ending in a throw
    'let f = n: let t = g n; in t; g = n: if n > 5 then throw "at ${toString n}" else f (n + 1);'
    " in f 0",
    # a lambda whose formals fail (missing and unexpected arguments)
    "let f = { a, b }: a + b; r = f { a = 1; }; in r",
    "let f = { a }: a; r = f { a = 1; c = 2; }; in r",
    # plain bodies giving a value, a thunk, a set
    "let p = x: x; q = x: p x; s = x: { v = x; }; a = q 1; b = s 2; in a + b.v",
    # a builtin given its last argument, its result a value, a frame, an element thunk
    "let m = builtins.map (x: x * 2); l = m [ 1 2 ]; in builtins.seq m (builtins.elemAt l 1)",
    'let e = builtins.elemAt [ (1 + 1) (throw "e1") ]; a = e 0; b = e 1; in builtins.seq e (a + b)',
    "let e = builtins.elemAt [ 1 ]; a = e 3; in builtins.seq e (a + 0)",
    # the element a thunk whose own code is a chain of calls (the steps toward a check)
    "let k = x: x; e = builtins.elemAt [ (k (k (k (k (k (k 7)))))) ]; a = e 0;"
    " in builtins.seq e (a + 0)",
    "let k = x: x; e = builtins.elemAt [ (k (k (k (k (k (k 7)))))) ]; a = e 0; in a",
    # non-functions and functors called by a thunk
    "let n = 3; r = n 1; in r",
    "let s = { __functor = self: x: x + 1; }; r = s 1; in r",
    # recursion through thunks `f x` (depth limits)
    "let f = n: if n == 0 then 0 else (let t = f (n - 1); in t) + 1; in f 30",
]


def main() -> None:
    out = [budget_record(text) for text in PROGRAMS]
    Path(sys.argv[1]).write_text(json.dumps(out, indent=0))


if __name__ == "__main__":
    main()
