"""Record what C++ Nix prints for the expressions `test_plain_arguments.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_plain_arguments

Writes ``fixtures/plain_arguments.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

_MATCH = (
    "let matchAttrs = pattern: attrs: builtins.all (attr: attrs ? ${attr} && (let"
    " lhs = pattern.${attr}; rhs = attrs.${attr}; in if builtins.isAttrs lhs then"
    " builtins.isAttrs rhs && matchAttrs lhs rhs else lhs == rhs)) (builtins.attrNames pattern);"
)

# A list argument that is a call of a one-argument builtin or of a lambda
# (`all f (attrNames s)`), evaluated by the builtin itself when that needs no
# loop; elements made by `map` of a builtin, evaluated by `foldl'` before its
# function is applied (unused ones, failing or not, must not matter); bodies
# ending in a call (`p: m p 2`), which the builtins give to the loop unstarted
# once such a body has ended so: values, errors and traces.
CASES = [
    'builtins.all (x: x != "b") (builtins.attrNames { a = 1; c = 2; })',
    'builtins.any (x: x == "b") (builtins.attrNames { a = 1; b = 2; })',
    "builtins.all (x: true) (builtins.attrNames 1)",
    'builtins.any (x: true) (builtins.attrNames (throw "no names"))',
    'let f = s: builtins.filter (n: n != "b") (builtins.attrNames s); in f { a = 1; b = 2; }',
    'let f = s: builtins.filter (n: n != "b") (builtins.attrNames s); in f [ ]',
    "let g = s: builtins.attrNames s; in builtins.concatMap (n: [ n n ]) (g { x = 1; })",
    'let g = s: s.names; in builtins.all (n: n != "") (g { names = [ "a" ]; })',
    'let g = s: s.names; in builtins.all (n: n != "") (g { })',
    'builtins.foldl\' (a: x: a + x) 0 (map builtins.stringLength [ "a" "bb" ])',
    "builtins.foldl' (a: x: a) 0 (map builtins.stringLength [ 1 ])",
    "builtins.foldl' (a: x: a + x) 0 (map builtins.stringLength [ 1 ])",
    'builtins.foldl\' (a: x: a) 0 (map builtins.throw [ "unused" ])',
    'builtins.foldl\' (a: x: a + x) 0 (map builtins.throw [ "used" ])',
    "builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: i * i) 10)",
    'builtins.foldl\' (a: x: a + x) 0 (builtins.genList (i: if i == 3 then throw "at 3" else i) 5)',
    "builtins.foldl' (a: x: if a > 2 then a else a + x) 0"
    ' (builtins.genList (i: if i == 3 then throw "at 3" else i) 5)',
    "let m = a: b: a == b; in builtins.any (p: m p 2) [ 1 2 3 ]",
    "let m = a: b: a == b; in builtins.filter (p: m p 2) [ 1 2 3 2 ]",
    'let m = a: b: if b == 3 then throw "bad ${toString b}" else a == b;'
    " in builtins.any (p: m 0 p) [ 1 2 3 ]",
    "let m = a: b: a.x == b; in builtins.all (p: m p 1) [ { x = 1; } { } ]",
    "let m = a: b: a.x == b; in builtins.foldl' (acc: p: acc && m p 1) true [ { x = 1; } { } ]",
    _MATCH + " in [ (matchAttrs { a = { b = 1; }; } { a = { b = 1; c = 2; }; })"
    " (matchAttrs { a = { b = 1; }; } { a = { b = 2; }; }) (matchAttrs { a = 1; } { }) ]",
    _MATCH + ' in matchAttrs { a = { b = throw "in pattern"; }; } { a = { b = 1; }; }',
    _MATCH + ' in matchAttrs { a = { b = 1; }; } { a = { b = 1 + "x"; }; }',
    _MATCH + " in builtins.any (p: matchAttrs p { a = { b = 2; }; })"
    " [ { a = { b = 1; }; } { a = { b = 2; }; } ]",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "plain_arguments.json")


if __name__ == "__main__":
    main()
