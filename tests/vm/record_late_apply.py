"""Record what C++ Nix prints for the applications `test_late_apply.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_late_apply

Writes ``fixtures/late_apply.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Each is a thunk (an attribute) whose body ends in `f a ...` with `f` a
# variable: the function unevaluated when first used, or failing, or the
# application waiting part way, with errors in each place.
CASES = [
    "let f = x: x + 1; s = { a = f 1; }; in s.a",
    "let f = x: y: x * 10 + y; s = { a = f 1 2; b = f 3; }; in [ s.a (s.b 4) ]",
    'let f = x: throw "boom ${toString x}"; s = { a = f 1; }; in s.a',
    'let f = throw "head"; s = { a = f 1; }; in s.a',
    'let f = throw "head"; s = { a = f 1 2; }; in s.a',
    'let f = x: y: if x > 1 then throw "boom" else x + y; s = { a = f 2 1; }; in s.a',
    'let f = x: y: if x > 1 then throw "boom" else x + y; s = { a = f 1 "s"; }; in s.a',
    'let k = a: if a > 5 then throw "k" else (b: a + b); s = { a = k 7 1; }; in s.a',
    'let k = a: if a > 5 then throw "k" else (b: a + b); s = { a = k 1 "z"; }; in s.a',
    "let k = a: if a > 5 then 1 else (b: a + b); s = { a = k 7 1; }; in s.a",
    'let add = builtins.add; s = { a = add "x" 1; }; in s.a',
    "let e = builtins.elemAt; s = { a = e [ ] 3; }; in s.a",
    "let n = 1; s = { a = n 2; }; in s.a",
    "let n = 1; s = { a = n 2 3; }; in s.a",
    "let s = { a = map 1 [ 1 ]; }; in s.a",
    "let s = { a = toString { }; }; in s.a",
    "let f = { __functor = self: x: y: x + y; }; s = { a = f 1 2; }; in s.a",
    "let f = x: f x; s = { a = builtins.tryEval (f 1); }; in 1",
    "let g = n: if n == 0 then 0 else let r = g (n - 1); in r; s = { a = g 5000; }; in s.a",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "late_apply.json")


if __name__ == "__main__":
    main()
