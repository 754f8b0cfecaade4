"""Record what C++ Nix prints for the expressions `test_sort_comparators.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_sort_comparators

Writes ``fixtures/sort_comparators.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# `sort` with a Nix lambda as comparator (`a: b: ...`, its body for `b` run by
# `sort` itself): bodies that decide at once, wait for the loop, give no
# Boolean, fail, end in a call, or are not a lambda given at once.
CASES = [
    "builtins.sort (a: b: a < b) [ 3 1 2 (1 + 1) 0 ]",
    "builtins.sort (a: b: a > b) (builtins.genList (i: i * 7 - i / 3 * 20) 40)",
    'builtins.sort (a: b: a < b) [ "b" "a" "c" ]',
    "builtins.sort (a: b: a.v < b.v) [ { v = 2 + 1; } { v = 1 + 0; } { v = 2; } ]",
    "builtins.sort (a: b: 1) [ 2 1 ]",
    "builtins.sort (a: b: null) [ 2 1 3 ]",
    'builtins.sort (a: b: throw "no order") [ 2 1 ]',
    'builtins.sort (a: b: a < "x") [ 2 1 ]',
    "builtins.sort (a: b: a.v < b.v) [ { v = 1; } { w = 2; } ]",
    "let lt = x: y: x < y; in builtins.sort (a: b: lt a b) [ 3 1 2 ]",
    "let lt = x: y: x + y; in builtins.sort (a: b: lt a b) [ 3 1 2 ]",
    "let f = a: let k = a * 2; in b: k < b * 2; in builtins.sort f [ 3 1 2 ]",
    'builtins.sort (a: if a > 100 then throw "big" else b: a < b) [ 3 1 2 ]',
    "builtins.sort (a: b: builtins.lessThan a b) [ 3 1 2 ]",
    "builtins.sort (a: b: builtins.trace a (a < b)) [ 2 1 ]",
    "builtins.sort (a: b: { x = a < b; }.x) [ 3 1 2 ]",
    "builtins.sort (a: b: assert a != 2; a < b) [ 3 1 2 ]",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "sort_comparators.json")


if __name__ == "__main__":
    main()
