"""Record what C++ Nix prints for the expressions `test_plain_twin.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_plain_twin

Writes ``fixtures/plain_twin.json``: for each expression and each of plain and
``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# `foldl'` operators and `sort` comparators `a: b: body` whose inner body has
# a plain twin (`codegen_functions._plain_twin`), run before the body itself:
# every way the twin gives up (an argument or captured value not evaluated
# yet, the slow path of `+`, a large string charged to the budget), fails
# (overflow, division by zero, a type error, `throw`, `assert`), traces, or
# ends in a tail; given up first, then ending at once, and the other way.
CASES = [
    "builtins.foldl' (acc: x: acc + x * 2) 0 (builtins.genList (i: i) 10)",
    "builtins.foldl' (acc: x: acc + x) (builtins.length [ 1 2 ]) [ 1 2 3 ]",
    'builtins.foldl\' (acc: x: acc + x) "" [ "a" "b" "c" ]',
    'builtins.foldl\' (acc: x: acc + x) ./. [ "/a" "b" ]',
    'builtins.stringLength (builtins.foldl\' (acc: x: acc + x) "" (builtins.genList'
    ' (i: builtins.concatStringsSep "" (builtins.genList (j: "abcdefgh") 100)) 20))',
    "builtins.foldl' (acc: x: acc * x) 1 (builtins.genList (i: 4294967296) 3)",
    "builtins.foldl' (acc: x: acc + x) 0 [ 1 2 { } ]",
    "builtins.foldl' (acc: x: acc + x) 0 [ 1 (1 + 1) 3 ]",
    "builtins.foldl' (acc: x: acc + 10 / x) 0 [ 1 2 0 ]",
    'builtins.foldl\' (acc: x: if x == 2 then throw "two" else acc + x) 0 [ 1 2 3 ]',
    "builtins.foldl' (acc: x: assert x < 3; acc + x) 0 [ 1 2 3 ]",
    'builtins.foldl\' (acc: x: builtins.trace "at ${toString x}" (acc + x)) 0 [ 1 2 3 ]',
    "let c = builtins.length [ 1 ]; in builtins.foldl' (acc: x: acc + x + c) 0 [ 1 2 3 ]",
    "let f = y: y + 1; in builtins.foldl' (acc: x: acc + f x) 0 [ 1 2 3 ]",
    "builtins.foldl' (acc: x: if x == 2 then [ acc ] else acc) 0 [ 1 2 ]",
    "builtins.foldl' (_: x: x + 1) 0 [ 1 2 3 ]",
    "builtins.foldl' (acc: x: acc ++ [ x ]) [ ] [ 1 2 3 ]",
    'builtins.foldl\' (acc: x: acc // { ${x} = 1; }) { } [ "a" "b" ]',
    # The start value evaluated first when that is plain code (else not at all).
    'builtins.foldl\' (acc: x: x) (throw "nul") [ 1 ]',
    'builtins.foldl\' (acc: x: acc) (throw "nul") [ 1 ]',
    'builtins.foldl\' (acc: x: acc // { ${x} = 1; }) { z = 0; } [ "a" "b" ]',
    "builtins.foldl' (acc: x: acc + x) (1 + 1) [ 1 2 ]",
    "builtins.sort (a: b: a < b) (builtins.genList (i: 7 - i) 8)",
    'builtins.sort (a: b: a < b) [ "b" "a" "c" ]',
    "builtins.sort (a: b: a < b) [ 1 2.5 0 ]",
    "builtins.sort (a: b: a < b) [ 1 { } 0 ]",
    "builtins.sort (a: b: a.v < b.v) [ { v = 2; } { v = 1; } ]",
    "builtins.sort (a: b: a - b) [ 3 1 2 ]",
    "builtins.sort (a: b: a + b < 3) [ 3 1 2 ]",
    'builtins.sort (a: b: if a == 2 then throw "two" else a < b) [ 3 1 2 ]',
    'builtins.sort (a: b: builtins.trace "${toString a}" (a > b)) [ 3 1 2 ]',
    "let c = builtins.length [ 1 ]; in builtins.sort (a: b: a + c < b) [ 3 1 2 ]",
    "builtins.sort (_: b: b > 1) [ 1 2 3 ]",
    'builtins.sort (a: b: a."yield" < b."yield") [ { yield = 2; } { yield = 1; } ]',
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "plain_twin.json")


if __name__ == "__main__":
    main()
