"""Record ``fixtures/loop21_tails.json`` from main's tree (on PYTHONPATH):

    PYTHONHASHSEED=0 PYTHONPATH=MAIN python tests/vm/record_loop21_tails.py OUT.json

For each program: its outcome (value, or message, span and trace entries with
spans), at every call-depth limit from 1 to 8, and (some) at every step budget
until the outcome is the unlimited one.
"""

from __future__ import annotations

import json
import sys
from typing import Any

from evaluator.api import Evaluator
from evaluator.vm.budget import Budget
from evaluator.vm.errors import NixError

PROGRAMS = [
    # a lambda's body started in tail position (by a frame, by a thunk `f x`), failing inside
    "let f = x: g x; g = y: h (y + 1);"
    ' h = z: if z > 3 then throw "deep ${toString z}" else f z; in f 0',
    "let f = x: { a = x; }.a.b; g = y: f y; in g { }",
    # an evaluated thunk as the called function, a plain body giving a value, a tail giving a thunk
    "let k = a: b: a + b; f = x: (k x) 1; p = x: x; t = x: let r = p x; in r;"
    " in f 2 + t 3 + (f (t 4))",
    # calls the loop is asked for (a functor, a partly applied builtin), failing
    "let f = x: x.nope; s = { __functor = self: x: f x; }; in 1 + (s { })",
    "let m = builtins.map (x: x.a); in builtins.length (m [ 1 ]) + builtins.head (m [ 1 ])",
    # deep tail recursion (owners capped) failing at the bottom
    'let loop = n: if n == 0 then abort "bottom" else loop (n - 1); in loop 1500',
    # builtins and lambdas mixed in tail position
    "let f = x: builtins.map g [ x ]; g = y: f y; in builtins.seq (f 1) 1",
    "let r = x: if x > 50 then x.a else r (x + 1); in r 1",
]
STEPPED = (2, 3, 4)


def outcome(text: str, budget: Budget | None = None) -> list[Any]:
    """The value, or the error's message, span and trace entries with spans."""
    try:
        return ["value", Evaluator(budget=budget).eval_source(text, path="/virtual/tails21.nix")]
    except NixError as e:
        span = None if e.span is None else [e.span[1], e.span[2]]
        trace = [[m, None if s is None else [s[1], s[2]]] for m, s, *_ in e.trace]
        return [e.message, span, trace]


def recorded_budgets(rec: dict[str, Any]) -> list[tuple[Budget | None, Any]]:
    """Each budget a record's outcomes were taken at (none, every call depth from
    1 to 8, every step budget from 1), with the outcome recorded for it."""
    depths = [Budget(max_call_depth=d) for d in range(1, 9)]
    steps = [Budget(max_steps=s) for s in range(1, len(rec["steps"]) + 1)]
    expected = [rec["plain"], *rec["depths"], *rec["steps"]]
    return list(zip([None, *depths, *steps], expected, strict=True))


def budget_record(text: str) -> dict[str, Any]:
    """``text``'s outcomes without a budget, at every call depth from 1 to 8 and
    at every step budget from 1 until the unlimited outcome (at most 201): the
    record :func:`recorded_budgets` reads back."""
    plain = outcome(text)
    depths = [outcome(text, Budget(max_call_depth=d)) for d in range(1, 9)]
    steps = []
    for s in range(1, 202):
        steps.append(outcome(text, Budget(max_steps=s)))
        if steps[-1] == plain:
            break
    return {"text": text, "plain": plain, "depths": depths, "steps": steps}


def main() -> None:
    out = []
    for i, text in enumerate(PROGRAMS):
        rec: dict[str, Any] = {"text": text, "plain": outcome(text), "depths": [], "steps": []}
        for d in range(1, 9):
            rec["depths"].append(outcome(text, Budget(max_call_depth=d)))
        s = 1
        while i in STEPPED:
            o = outcome(text, Budget(max_steps=s))
            rec["steps"].append(o)
            if o == rec["plain"] or s > 150:
                break
            s += 1
        out.append(rec)
    with open(sys.argv[1], "w") as f:
        json.dump(out, f, indent=0)


if __name__ == "__main__":
    main()
