"""Record ``fixtures/lib27.json`` (``test_lib27.py``) from nix-instantiate 2.26.3."""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

CASES = [
    # Lists and elements whose code is a selection of an evaluated attribute
    # (`support.evaluate_plain` takes the attribute's value at once).
    "let s = { a = [ 1 2 3 ]; }; in builtins.seq s.a (builtins.filter (x: x > 1) s.a)",
    "let s = { a = [ true false ]; }; in builtins.seq s.a (builtins.all (x: x) s.a)",
    "let s = { a = [ 1 2 ]; }; in builtins.seq s.a (builtins.concatMap (x: [ x x ]) s.a)",
    "let s = { a = [ 1 2 ]; }; in builtins.seq s.a (builtins.foldl' (x: y: x + y) 0 s.a)",
    "let s = { a = 5; b = { c = 7; }; }; in builtins.seq s.a (builtins.seq s.b "
    "(builtins.map (f: f s) [ (t: t.a) (t: t.b.c) (t: t.b) ]))",
    "let s = { a = 5; }; in builtins.seq s.a (builtins.any (x: x == s.a) [ 1 5 ])",
    # The same, the attribute not yet evaluated (left to the loop) or failing.
    'let s = { a = [ 1 (throw "no") ]; }; in builtins.filter (x: x > 1) s.a',
    'let s = { a = throw "no list"; }; in builtins.all (x: x) s.a',
    "let s = { a = 1; }; in builtins.filter (x: x) s.a",
    "let s = { a = [ 1 ]; }; in builtins.seq s.a (builtins.filter (x: x) s.a)",
    # Elements whose code calls a lambda whose frame ends at once (run ahead
    # by `evaluate_plain`), asks for something, or fails.
    "let g = a: { v = a; }; in builtins.all (s: s.v == 1) [ (g 1) (g 1) ]",
    'let g = a: a.v; in builtins.all (x: x) [ (g { v = true; }) (g { v = throw "t"; }) ]',
    "let g = a: a.v; in builtins.filter (x: x) [ (g { v = true; }) (g { w = 1; }) ]",
    'let g = a: a + 1; in builtins.concatMap (x: [ x ]) [ (g 1) (g "s") ]',
    "let g = a: b: a + b; in builtins.any (x: x == 3) [ (g 1 1) (g 1 2) ]",
    'let g = a: if a then throw "g" else a; in builtins.all (x: !x) [ (g false) (g true) ]',
    "let r = n: if n == 0 then true else r (n - 1); in builtins.all (x: x) [ (r 3) (r 0) ]",
    # `foldl'`: a plain twin that gives up (strings, overflow) or fails.
    'builtins.foldl\' (a: x: a + x) "" (builtins.genList (i: toString i) 20)',
    "builtins.foldl' (a: x: a + x) 0 (builtins.genList (i: i * 4611686018427387904) 3)",
    'builtins.foldl\' (a: x: a + x * 2) 0 (builtins.genList (i: if i == 5 then "s" else i) 9)',
    'builtins.foldl\' (a: x: a + x) 0 (builtins.genList (i: if i == 3 then throw "e3" else i) 9)',
    "builtins.foldl' (a: x: a ++ [ x ]) [ ] (builtins.genList (i: i) 5)",
    'builtins.foldl\' (a: x: if x == 4 then throw "four" else a + x) 0 (builtins.genList (i: i) 9)',
    # Type predicates on every kind of value (`type_set`'s padded sets).
    'map (f: map f [ 1 1.5 "s" ./. null true [ ] { } (x: x) builtins.map '
    "(builtins.add 1) { __functor = s: x: x; } ]) [ builtins.isInt builtins.isFloat "
    "builtins.isString builtins.isPath builtins.isNull builtins.isBool builtins.isList "
    "builtins.isAttrs builtins.isFunction ]",
    'builtins.isString (throw "forced")',
    "builtins.isAttrs (let s = { }; in s.missing)",
]

if __name__ == "__main__":
    record_strict(CASES, Path(__file__).parent / "fixtures" / "lib27.json")
