"""Record what C++ Nix prints for the failing comparisons `test_compare_errors.py`
checks (run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_compare_errors

Writes ``fixtures/compare_errors.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# `<` and its mirrors on values Nix cannot order: by the operator, in a
# lambda's body, by the builtin, inside lists and under `!` (`<=`, `>=`).
CASES = [
    '1 < "x"',
    '"x" > 1',
    "{ } < { }",
    "(x: x < null) 1",
    'let f = x: x < "a"; in f 2',
    'builtins.lessThan 1 "x"',
    '[ 1 ] < [ "x" ]',
    '[ [ 1 ] ] < [ [ "x" ] ]',
    '[ 1 [ 2 ] ] < [ 1 [ (throw "t") ] ]',
    '1 <= "x"',
    "(x: x >= null) 1",
    "let a = 1; b = { }; in a <= b",
    '[ (1 <= 2) (2 >= 3) ("a" <= "b") ]',
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "compare_errors.json")


if __name__ == "__main__":
    main()
