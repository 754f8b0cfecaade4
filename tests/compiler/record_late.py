"""Record what C++ Nix prints for the expressions `test_late.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.compiler.record_late

Writes ``fixtures/late_functions.json``: for each expression, plain and with
``--show-trace``, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Functions failing on their first call (run through their stand-in: plain
# functions, generators, formals), calling others for the first time, and
# recursing before they are compiled.
CASES = [
    'let f = x: throw "boom"; in f 1',
    "let f = x: assert x > 1; x; in f 0",
    "let f = { a }: a; in f { b = 1; }",
    'let f = { a, b ? a + "x" }: b; in f { a = 1; }',
    'let f = x: x + "a"; in f 1',
    'let s = { f = x: y: throw "in ${toString x}"; }; in s.f 1 2',
    'let f = x: { a = throw "deep"; }; in (f 1).a',
    "let g = x: builtins.head x; f = x: g x; in f [ ]",
    'let f = n: if n == 0 then throw "zero" else f (n - 1); in f 3',
    "let f = x: x.missing; in f { }",
    "let f = x: y: x y; g = z: z.a; in f g { b = 1; }",
    "let s = { a = x: x * 2; b = x: x + 1; c = x: x; }; in map s.b [ 1 2 ]",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "late_functions.json")


if __name__ == "__main__":
    main()
