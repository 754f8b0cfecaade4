"""Record what C++ Nix prints for the expressions `test_fold_elements.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_fold_elements

Writes ``fixtures/fold_elements.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# `foldl'` over elements not evaluated yet (`genList`, `map`, literals): used
# or not by the function, giving values at once or not, failing, tracing.
CASES = [
    "builtins.foldl' (a: x: a + x * 2) 0 (builtins.genList (i: i) 50)",
    'builtins.foldl\' (a: x: a + 1) 0 [ (throw "x") (1 / 0) ]',
    "builtins.foldl' (a: x: a + 1) 0 (builtins.genList (i: 10 / (i - 1)) 3)",
    "builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: 10 / (i - 1)) 3)",
    "builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: builtins.trace i i) 3)",
    "builtins.foldl' (a: x: a) 0 (builtins.genList (i: builtins.trace i i) 3)",
    "builtins.foldl' (a: x: a ++ [ x ]) [ ] (map (i: { v = i; }) [ 1 2 ])",
    "let xs = builtins.genList (i: i * 2) 5; in builtins.foldl' (a: x: a + x) 0 xs"
    " + builtins.elemAt xs 2",
    "builtins.foldl' (a: x: a + x.v) 0 (map (i: { v = i; }) [ 1 2 ])",
    'builtins.foldl\' (a: x: a + x) 0 (builtins.genList (i: "s") 2)',
    'builtins.foldl\' (a: x: a + x) 0 [ 1 (throw "boom") ]',
    'builtins.foldl\' (a: x: a + 1) 0 (builtins.genList (i: { a = throw "z"; }.b) 2)',
    "builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: { a = 1; }.b) 2)",
    "builtins.tryEval (builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: assert i < 1; i) 3))",
    "builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: [ i ]) 2)",
    'builtins.foldl\' (a: x: a // x) { } (builtins.genList (i: { "k${toString i}" = i; }) 3)',
    'let f = i: if i > 1 then throw "big" else i; in'
    " builtins.foldl' (a: x: a + x) 0 (builtins.genList f 4)",
    # Elements whose code is a frame (`n: first + n` with `first` a variable:
    # lib's `range`), which `foldl'` runs ahead when it ends at once
    # (`support.evaluate_ahead`), and bodies that ask for something.
    "let range = first: last: builtins.genList (n: first + n) (last - first + 1);"
    " pred = x: x == 7; in builtins.foldl' (i: el: if i < 0 then"
    " (if pred el then -i - 1 else i - 1) else i) (-1) (range 2 12)",
    "let first = 1 + 0; in builtins.foldl' (a: x: a + x) 0"
    ' (builtins.genList (n: if n == 2 then throw "two" else first + n) 4)',
    "let first = 1 + 0; in builtins.foldl' (a: x: a + 1) 0"
    ' (builtins.genList (n: first + (throw "unused")) 3)',
    "let first = 1 + 0; in builtins.foldl' (a: x: a + x) 0"
    " (builtins.genList (n: builtins.trace n (first + n)) 3)",
    "let first = 1 + 0; in builtins.foldl' (a: x: a + x) 0"
    " (builtins.genList (n: first + n + (if n == 1 then { }.a else 0)) 3)",
    "let first = 1 + 0; x = builtins.foldl' (a: e: a + e) 0"
    " (builtins.genList (n: first + x) 2); in x",
    "let first = 1 + 0; in builtins.foldl' (a: x: if x > 2 then a + x.y else a) 0"
    " (builtins.genList (n: first + n) 4)",
    "let first = 1 + 0; pred = x: builtins.trace x (x > 2); in builtins.foldl'"
    " (a: x: if pred x then a + 1 else a) 0 (builtins.genList (n: first + n) 4)",
    "let first = 1 + 0; in builtins.tryEval (builtins.foldl' (a: x: a + x) 0"
    " (builtins.genList (n: assert n < 2; first + n) 3))",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "fold_elements.json")


if __name__ == "__main__":
    main()
