"""Record what C++ Nix prints for the expressions `test_plain_builtins.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_plain_builtins

Writes ``fixtures/plain_builtins.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# lib25's plain answers (no frame) of builtins given evaluated arguments, at
# their edges: results at the 64-bit bounds, overflow, division by zero and
# `INT_MIN / -1`, floats, type errors, arguments still to force or failing,
# and the calls from inside a lambda (`lib.mod`'s shape) that fail.
CASES = [
    "[ (builtins.add 1 2) (builtins.sub 5 7) (builtins.mul 3 (-4)) (builtins.div 7 2) ]",
    "[ (builtins.div (-7) 2) (builtins.div 7 (-2)) (builtins.div (-7) (-2)) (builtins.div 0 5) ]",
    "[ (builtins.add 9223372036854775806 1) (builtins.sub (-9223372036854775807) 1) ]",
    "[ (builtins.mul 3037000499 3037000499) (builtins.div (-9223372036854775807 - 1) 1) ]",
    "builtins.add 9223372036854775807 1",
    "builtins.sub (-9223372036854775807 - 1) 1",
    "builtins.mul 9223372036854775807 2",
    "builtins.div (-9223372036854775807 - 1) (-1)",
    "builtins.div 1 0",
    "builtins.div 1.0 0",
    "[ (builtins.add 1 2.5) (builtins.div 7 2.0) (builtins.mul 2.0 3) (builtins.sub 1.5 1) ]",
    'builtins.add 1 "a"',
    'builtins.div "a" 1',
    "builtins.mul true 1",
    'builtins.div (1 + 2) (throw "no")',
    'builtins.add (throw "a") 1',
    "let mod = base: int: base - (int * (builtins.div base int)); in"
    " map (x: mod x 3) [ 1 2 3 (-4) 9223372036854775807 ]",
    "let mod = base: int: base - (int * (builtins.div base int)); in mod 1 0",
    "let f = a: b: builtins.add a b; in builtins.foldl' f 0 [ 1 2 9223372036854775807 ]",
    "let f = builtins.mul; xs = builtins.genList (i: f i i) 4; in xs",
    # `all`/`any` of a lambda over an evaluated list decided without a frame,
    # or going on in their frames from the element that needs the loop.
    "[ (builtins.all (x: x > 0) [ 1 2 3 ]) (builtins.all (x: x > 1) [ 1 2 3 ])"
    " (builtins.any (x: x > 2) [ 1 2 3 ]) (builtins.any (x: x > 5) [ 1 2 3 ]) ]",
    "[ (builtins.all (x: x) [ ]) (builtins.any (x: x) [ ]) (builtins.all 1 [ ]) ]",
    "builtins.all (x: if x == 2 then 7 else true) [ 1 2 3 ]",
    "builtins.any (x: if x == 2 then null else false) [ 1 2 3 ]",
    'builtins.all (x: x < 3 || throw "big ${toString x}") [ 1 2 3 4 ]',
    'builtins.any (x: builtins.trace x (x == 2)) [ 1 2 (throw "unused") ]',
    'builtins.all (x: x > 0) [ 1 (2 + 0) (throw "third") ]',
    "let s = { a = 1; b = 2; }; in builtins.all (n: s.${n} > 0) (builtins.attrNames s)",
    "let match = p: a: builtins.all (n: if builtins.isAttrs p.${n} then match p.${n} a.${n}"
    " else p.${n} == a.${n}) (builtins.attrNames p); in"
    " [ (match { x = { y = 1; }; } { x = { y = 1; z = 2; }; }) (match { x = 1; } { x = 2; })"
    " (match { x = { y = 1; }; } { x = 3; }) ]",
    "builtins.any (x: x.a) [ { a = false; } { } ]",
    "builtins.all (builtins.isInt) [ 1 2 ]",
    "let xs = builtins.genList (i: i) 3000; in builtins.all (x: x >= 0) xs",
    # `elem` of a string, integer or Boolean: Python's `==` first, then Nix's
    # types (a Boolean is no number; an integer equals a float; a string's
    # context does not count), elements forced in order up to the match.
    "[ (builtins.elem 1 [ true 1.0 ]) (builtins.elem true [ 1 1.0 true ])"
    " (builtins.elem 1 [ true ]) (builtins.elem true [ 1 ]) (builtins.elem 0 [ false ]) ]",
    '[ (builtins.elem "a" [ "${builtins.toFile "a" "x"}" "a" ]) (builtins.elem 2 [ 2.0 ])'
    " (builtins.elem 2.0 [ 2 ]) (builtins.elem 1 [ ./. { } [ 1 ] null (x: x) ]) ]",
    'builtins.elem "a" [ (builtins.toFile "n" "x") ]',
    "let xs = map (x: builtins.div x 2) [ 1 2 3 4 ]; in"
    " [ (builtins.elem (1 + 0) xs) (builtins.elem 5 xs) (builtins.elem (builtins.head xs) xs) ]",
    'builtins.elem 2 [ 1 2 (throw "after the match") ]',
    'builtins.elem 3 [ 1 (throw "before the match") 3 ]',
    'builtins.elem (throw "sought") [ 1 ]',
    'builtins.elem (throw "sought") [ ]',
    'builtins.elem 1 (throw "list")',
    "let unique = builtins.foldl' (acc: e: if builtins.elem e acc then acc else acc ++ [ e ]) [ ];"
    " in builtins.length (unique (map (x: builtins.div x 7) (builtins.genList (i: i) 300)))",
    "[ (builtins.elem [ 1 ] [ [ 1 ] ]) (builtins.elem { a = 1; } [ { a = 1; } ]) ]",
    # `replaceStrings` in its frame (the string still to force): the pattern
    # strings remembered from an all-evaluated list, the string forced inline.
    'let up = builtins.replaceStrings [ "a" "b" ] [ "A" "B" ];'
    " xs = builtins.genList (i: builtins.toString (i + 10)) 3; in"
    ' map up (xs ++ map (x: "ab${x}") xs ++ [ (builtins.toString 1) ])',
    'builtins.replaceStrings [ "a" ] [ "b" ] (throw "the string")',
    'builtins.replaceStrings [ "a" ] [ "b" ] (1 + 1)',
    'builtins.replaceStrings [ "a" ] [ (throw "unused") ] ("x" + "y")',
    'builtins.replaceStrings [ "a" ] [ (throw "used") ] ("x" + "a")',
    'builtins.replaceStrings [ "a" (throw "pattern") ] [ "b" "c" ] ("x" + "a")',
    'let f = builtins.toFile "f" "x"; in builtins.replaceStrings [ "a" ] [ "b" ] ("a" + f)',
    'let p = [ "a" ]; in [ (builtins.replaceStrings p [ "b" ] ("a" + "a"))'
    ' (builtins.replaceStrings p [ "c" ] ("x" + "a"))'
    ' (builtins.replaceStrings [ "x" ] [ "y" ] ("x" + "a")) ]',
    # `listToAttrs`/`catAttrs` forcing elements and names in their frames.
    'builtins.listToAttrs (map (s: { name = "k${s}"; value = s; }) [ "a" "b" "a" ])',
    'builtins.listToAttrs [ { name = "a"; value = 1; } (throw "element") ]',
    'builtins.listToAttrs [ { name = "a"; value = 1; } (1 + 1) ]',
    'builtins.listToAttrs [ { name = throw "name"; value = 1; } ]',
    "builtins.listToAttrs [ { name = 1 + 1; value = 1; } ]",
    'builtins.listToAttrs [ { name = "${builtins.toFile "n" "x"}"; value = 1; } ]',
    'builtins.listToAttrs [ { name = "a" + "b"; value = throw "unused"; } { name = "ab"; } ]',
    'builtins.catAttrs "a" (map (x: { a = x; }) [ 1 2 ] ++ [ { } ])',
    'builtins.catAttrs "a" [ { a = 1; } (throw "element") ]',
    'builtins.catAttrs "a" [ { a = 1; } ("x" + "y") ]',
]

if __name__ == "__main__":
    record_strict(CASES, HERE / "fixtures" / "plain_builtins.json")
