"""Record what C++ Nix prints for the expressions `test_curried.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_curried

Writes ``fixtures/curried.json``: for each expression and each of plain and
``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Lambdas `a: b: body` that builtins apply to two arguments (`sort`,
# `foldl'`, `mapAttrs`, `zipAttrsWith`): the inner body is started with both
# at once (`support.curried_inner`). Bodies that end at once, ask, fail,
# trace, end in calls, return functions; `a` unused, captured after other
# variables, named functions, three arguments, lambdas that are not marked.
CASES = [
    "builtins.sort (a: b: a < b) [ 3 1 2 ]",
    "builtins.sort (a: b: a.x < b.x) [ { x = 1; } { y = 2; } ]",
    "builtins.sort (a: b: 1) [ 1 2 ]",
    "builtins.sort (a: b: c: true) [ 1 2 ]",
    "builtins.sort (a: b: builtins.lessThan a b) [ 3 1 2 ]",
    "let lt = x: y: x < y; in builtins.sort (a: b: lt b a) [ 3 1 2 ]",
    'let lt = x: y: if y == 2 then throw "two" else x < y; in'
    " builtins.sort (a: b: lt a b) [ 3 1 2 ]",
    "let c = 1; in builtins.sort (a: b: a < b + c) [ 3 1 2 5 4 ]",
    'builtins.sort (a: b: builtins.trace "${toString a}<${toString b}" (a < b)) [ 3 1 2 ]',
    'builtins.sort (a: b: throw "no") [ 1 2 ]',
    "builtins.sort (_: b: b > 1) [ 1 2 3 ]",
    "let cmp = a: b: a.v < b.v; in builtins.sort cmp [ { v = 2; } { v = 1; } { } ]",
    'let k = { a = 2; b = 1; }; in builtins.sort (x: y: k.${x} < k.${y}) [ "a" "b" ]',
    "builtins.sort (a: let c = a; in b: c < b) [ 3 1 2 ]",
    "builtins.sort ({ v }: b: v < b.v) [ { v = 2; } { v = 1; } ]",
    "builtins.foldl' (acc: x: acc + x) 0 [ 1 2 3 ]",
    "builtins.foldl' (acc: x: acc + x.v) 0 [ { v = 1; } { } ]",
    "let f = a: b: a + b; in builtins.foldl' (acc: x: f acc x) 0 [ 1 2 3 ]",
    'let f = a: b: throw "bad ${toString b}"; in builtins.foldl\' (acc: x: f acc x) 0 [ 1 2 ]',
    'builtins.foldl\' (_: x: x) 0 [ 1 2 (throw "last") ]',
    "builtins.foldl' (acc: x: y: acc) 0 [ 1 2 ]",
    "builtins.foldl' (acc: x: acc + 1 / x) 0 [ 1 0 ]",
    "builtins.foldl' (a: b: c: a) 0 [ 1 ]",
    "builtins.foldl' (acc: x: acc // { ${x} = builtins.length (builtins.attrNames acc); }) { }"
    ' [ "a" "b" ]',
    "let add = a: b: a + b; in builtins.foldl' add 0 (builtins.genList (i: i * i) 10)",
    "builtins.foldl' (acc: x: if x == 2 then acc.nope else acc + x) 0 [ 1 2 ]",
    # `sort`'s elements not evaluated yet (each forced by the loop): failing,
    # tracing, asking, needing the sort's own result.
    "let first = 1 + 0; in builtins.sort (a: b: a < b) (builtins.genList (n: first - n) 5)",
    "builtins.sort (a: b: a < b) (builtins.genList (n: 10 / (n - 2)) 4)",
    "builtins.sort (a: b: a < b) (builtins.genList (n: builtins.trace n (5 - n)) 3)",
    "builtins.sort (a: b: a < b) (map (x: x.v) [ { v = 2; } { v = 1; } { w = 0; } ])",
    "let xs = builtins.genList (n: assert n < 2; n) 3; in"
    " builtins.tryEval (builtins.sort (a: b: a < b) xs)",
    "let s = builtins.sort (a: b: a < b) (builtins.genList (n: builtins.length s) 2); in s",
    'builtins.sort (a: b: a < b) [ (1 + 1) (builtins.throw "t") ]',
    "builtins.mapAttrs (n: v: v + 1) { a = 1; b = 2; }",
    "builtins.mapAttrs (n: v: v.x) { a = 1; }",
    "builtins.mapAttrs (_: v: v.x) { a = 1; }",
    'builtins.mapAttrs (n: v: n + v) { a = "x"; b = 1; }',
    'let f = n: v: throw "no ${n}"; in builtins.mapAttrs (n: v: f n v) { a = 1; }',
    "builtins.mapAttrs (n: v: w: v) { a = 1; }",
    # The function a `let`-bound thunk: not evaluated by `mapAttrs` itself.
    "let f = n: v: v + 1; in builtins.mapAttrs f { a = 1; }",
    'let f = throw "f"; in builtins.attrNames (builtins.mapAttrs f { a = 1; })',
    'let f = throw "f"; in builtins.mapAttrs f { a = 1; }',
    "let f = { }.g; in builtins.mapAttrs f { a = 1; }",
    'let g = builtins.trace "g" (n: v: v); f = g; in builtins.mapAttrs f { a = 1; b = 2; }',
    "builtins.zipAttrsWith (n: vs: builtins.length vs) [ { a = 1; } { a = 2; b = 3; } ]",
    "builtins.zipAttrsWith (n: vs: n + vs) [ { a = 1; } ]",
    "builtins.zipAttrsWith (_: vs: (builtins.head vs).x) [ { a = 1; } ]",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "curried.json")


if __name__ == "__main__":
    main()
