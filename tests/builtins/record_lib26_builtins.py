"""Record what C++ Nix prints for the expressions `test_lib26_builtins.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_lib26_builtins

Writes ``fixtures/lib26_builtins.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# lib26's fast paths at their edges: `genList` without a frame (evaluated
# arguments) and in its frame (a length still to force, failing, negative,
# not an integer; a function that is no lambda), `map` of a function in a
# thunk of plain code, `removeAttrs` of a names list in such a thunk,
# `listToAttrs` forcing a pair's name inline, `match`'s groups; the message
# for a string with context where none is allowed.
CASES = [
    "let n = 3; f = i: i * i; in builtins.genList f n",
    "builtins.genList (i: i + 1) (1 + 2)",
    "builtins.genList (i: i) 0",
    "builtins.genList 1 0",
    "builtins.genList null 2",
    "builtins.genList (i: i) (-1)",
    "builtins.genList (i: i) (0 - 2)",
    "builtins.genList (i: i) 2.0",
    'builtins.genList (i: i) "2"',
    'builtins.genList (i: i) (throw "length")',
    'builtins.genList (throw "function") 2',
    'builtins.genList (throw "function") (throw "length")',
    "builtins.genList builtins.toString 3",
    "builtins.genList (builtins.add 10) 3",
    'builtins.length (builtins.genList (i: throw "element ${toString i}") 5)',
    'builtins.elemAt (builtins.genList (i: if i == 1 then throw "one" else i) 3) 1',
    "let xs = builtins.genList (i: i) 3; in builtins.genList (i: builtins.elemAt xs i) 3",
    "let f = x: x + 1; in map f [ 1 2 ]",
    "let f = if true then (x: x * 2) else null; in map f [ 1 2 ]",
    "let s = { f = x: [ x ]; }; in map s.f [ 1 2 ]",
    'map (throw "function") [ ]',
    'map (throw "function") [ 1 ]',
    "let f = 1; in map f [ 1 ]",
    "let s = { }; in map s.g [ 1 ]",
    "let f = builtins.add 1; in map f [ 1 2 ]",
    "let f = x: x; in map f [ null 1 ]",
    'let n = [ "a" "c" ]; in builtins.removeAttrs { a = 1; b = 2; c = 3; } n',
    'builtins.removeAttrs { a = 1; b = 2; } [ ("a" + "") ]',
    'let n = [ "x" ]; s = { a = 1; }; in builtins.removeAttrs s n',
    "builtins.removeAttrs { a = 1; } [ 1 ]",
    'builtins.removeAttrs { a = 1; } [ "a" (throw "name") ]',
    'builtins.removeAttrs { a = 1; } (throw "names")',
    'builtins.removeAttrs (throw "set") (throw "names")',
    'let n = [ "a" ]; in builtins.removeAttrs 1 n',
    'builtins.removeAttrs { a = 1; } [ "${builtins.toFile "n" "x"}" ]',
    'builtins.listToAttrs [ { name = "a" + "b"; value = 1; } { name = "a" + "c"; value = 2; } ]',
    'builtins.listToAttrs (map (s: { name = "k${toString s}"; value = s; }) [ 1 2 1 ])',
    'builtins.listToAttrs [ { name = "a"; value = 1; } { name = throw "second name";'
    " value = 2; } ]",
    'builtins.listToAttrs [ { name = builtins.abort "name"; value = 1; } ]',
    "builtins.listToAttrs [ { name = 1 + true; value = 1; } ]",
    "builtins.listToAttrs [ { name = { }.x; value = 1; } ]",
    "let f = x: x; in builtins.listToAttrs [ { name = f null; value = 1; } ]",
    'builtins.match "(a)(b)?" "a"',
    'builtins.match "(a)(b)" "ab"',
    'builtins.match "a" "a"',
    'builtins.match "(.*)" ""',
    'builtins.match "(é)(.*)" "éx"',
    'builtins.match "([a-z]+)-([0-9.]+)" "hello-2.12.1"',
    'builtins.match "(x)?(y)?(z)" "z"',
    'builtins.match "(.)(.)" "ñb"',
    'builtins.match "(a)|(b)" "b"',
    # A string with context where Nix wants none: the first context element as
    # Nix orders and prints them (store paths by base name; `=drv`, `!out!drv`).
    'builtins.getAttr "${builtins.toFile "n" "x"}" { }',
    'let d = derivation { name = "d"; system = "x"; builder = "b"; }; in'
    ' builtins.getAttr "${d}" { }',
    'let d = derivation { name = "d"; system = "x"; builder = "b"; }; in'
    " builtins.hasAttr d.drvPath { }",
    'let d = derivation { name = "d"; system = "x"; builder = "b"; }; in'
    " builtins.getAttr (builtins.unsafeDiscardOutputDependency d.drvPath) { }",
    'let d = derivation { name = "d"; system = "x"; builder = "b"; }; in'
    ' builtins.getAttr "${d.drvPath}${d}${builtins.toFile "z" "x"}" { }',
    'let d = derivation { name = "d"; system = "x"; builder = "b"; outputs = [ "out" "dev" ]; };'
    ' in builtins.getAttr "${d.out}${d.dev}" { }',
    # `==` of lists: the leading evaluated pairs compared in place, in order.
    '[ ([ 1 2 3 ] == [ 1 2 3 ]) ([ 1 2 3 ] == [ 1 2 4 ]) ([ 1 "a" true ] == [ 1 "a" true ])'
    ' ([ 1 1.0 ] == [ 1.0 1 ]) ([ [ 1 ] 2 ] == [ [ 1 ] 3 ]) ([ 1 (throw "x") ] == ['
    ' 2 (throw "y") ]) ]',
    '[ 1 (throw "x") ] == [ 1 (throw "y") ]',
    '[ 1 { a = throw "x"; } 2 ] == [ 1 { a = 1; } 3 ]',
    "let l = builtins.genList (n: n) 5000; in"
    " [ (l == l) (l == builtins.genList (n: n) 5000) (l == (builtins.genList (n: n)"
    " 4999 ++ [ 0 ])) ]",
    "[ [ (x: x) ] == [ (x: x) ] (let f = x: x; in [ f ] == [ f ]) ([ true 1 ] == [ 1 true ]) ]",
    '[ "${builtins.toFile "a" "b"}" ] == [ "${builtins.toFile "a" "b"}" ]',
    '[ "a" ] == [ "${builtins.toFile "a" "b"}" ]',
    "let x = 0.0 / 0.0; in [ ([ x ] == [ x ]) ([ (0.0 / 0.0) ] == [ (0.0 / 0.0) ]) ]",
    # `elem` over lists of evaluated thunks (`acc ++ [ e ]`), of values, of
    # both, and with an element still to force before the match (lib26 tried a
    # scan in C for these, measured slower, reverted: the cases stay).
    'let xs = map (x: x) [ 1 2 true 1.0 "a" ]; in builtins.seq (builtins.deepSeq xs xs)'
    ' [ (builtins.elem 1 xs) (builtins.elem true xs) (builtins.elem "a" xs)'
    " (builtins.elem false xs) ]",
    "let xs = map (x: x) [ true 1 ./. ]; in builtins.seq (builtins.head xs) ["
    " (builtins.elem true xs) ]",
    'let xs = map (x: x) [ 1 (throw "no") 3 ]; in builtins.seq (builtins.head xs)'
    " (builtins.elem 3 xs)",
    'let xs = map (x: x) [ 1 (throw "no") 3 ]; in builtins.seq (builtins.head xs)'
    " (builtins.elem 1 xs)",
    "let xs = map (x: x) [ true 2 1 ]; in"
    " builtins.seq (builtins.elemAt xs 0) (builtins.seq (builtins.elemAt xs 1)"
    " (builtins.elem 1 xs))",
    "let xs = map (x: x) [ ./. [ 1 ] { } (x: x) null 1.0 ]; in"
    ' builtins.deepSeq xs [ (builtins.elem 1 xs) (builtins.elem "a" xs) (builtins.elem null xs) ]',
    'let xs = map (x: x) [ "${builtins.toFile "a" "b"}" ]; in'
    ' builtins.deepSeq xs [ (builtins.elem "${builtins.toFile "a" "b"}" xs)'
    ' (builtins.elem "x" xs) ]',
    "let xs = map (x: x + 0) [ 1 2 3 ]; in builtins.elem (1 + 1) xs",
    # `split` of an ASCII string by `re.split`: no groups, groups, groups that
    # took no part, no match, an empty string, matches at both ends.
    'builtins.split "," "a,b,,c"',
    'builtins.split "(,)" "a,b,,c"',
    'builtins.split "(x)?(,)" ",a,x,"',
    'builtins.split "([[:digit:]]+)" "ab12cd345"',
    'builtins.split "(a)(b)" "abab"',
    'builtins.split "," ""',
    'builtins.split "," "abc"',
    'builtins.split "b" "aébé"',
    'builtins.length (builtins.split ","'
    ' (builtins.concatStringsSep "," (map toString (builtins.genList (x: x) 3000))))',
    # `genericClosure` forcing elements, keys and the operator's lists in its frame.
    "builtins.genericClosure { startSet = [ { key = 1; } ];"
    " operator = x: if x.key < 5 then [ { key = x.key + 1; } ] else [ ]; }",
    "builtins.genericClosure { startSet = map (k: { key = k; }) [ 1 2 ];"
    " operator = x: map (k: { key = k; }) [ (x.key * 2) ]; }",
    'builtins.genericClosure { startSet = [ (throw "elem") ]; operator = x: [ ]; }',
    'builtins.genericClosure { startSet = [ { key = throw "key"; } ]; operator = x: [ ]; }',
    'builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: throw "op"; }',
    "builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: 1; }",
    "builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: [ 1 ]; }",
    'builtins.genericClosure { startSet = [ { key = 1; } { key = "a"; } ]; operator = x: [ ]; }',
    "builtins.genericClosure { startSet = map (x: x) [ { key = 1; } ];"
    " operator = x: map (x: x) [ 2 ]; }",
    # Nix's entries for an operator's result that is no list, and for any
    # error comparing two keys (its `CompareValues`).
    'builtins.genericClosure { startSet = [ { key = [ 1 ]; } { key = [ "a" ]; } ];'
    " operator = x: [ ]; }",
    "builtins.genericClosure { startSet = [ { key = [ 1 ]; } { key = [ 1 ]; } { key = [ 2 ]; } ];"
    " operator = x: [ ]; }",
    'builtins.genericClosure { startSet = [ { key = [ 1 ]; } { key = [ (throw "k") ]; } ];'
    " operator = x: [ ]; }",
    "builtins.genericClosure { startSet = [ { key = { }; } ]; operator = x: [ ]; }",
    "builtins.genericClosure { startSet = [ { key = { }; } { key = { }; } ]; operator = x: [ ]; }",
    "builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: { }; }",
    "builtins.genericClosure { startSet = [ { key = 1; } ]; operator = x: let y = 1; in y; }",
    # `concatStringsSep`'s frame forcing its list inline.
    'builtins.concatStringsSep "," (map (x: x) [ "a" "b" ])',
    'builtins.concatStringsSep ("," + "") (map toString [ 1 2 ])',
    'builtins.concatStringsSep "," (throw "xs")',
    'builtins.concatStringsSep (throw "sep") (throw "xs")',
    'builtins.concatStringsSep "," (1 + 1)',
    'builtins.concatStringsSep "," (1 + "a")',
    'let f = x: x; in builtins.concatStringsSep "," (f 1)',
    'builtins.concatStringsSep "," ({ }.x)',
    'builtins.concatStringsSep "," (map (x: x) [ { } ])',
    'let l = map (x: x) [ "a" ]; in'
    ' builtins.concatStringsSep "${builtins.toFile "a" "b"}" (l ++ l)',
    # `toString` of a thunk: a string, number, Boolean or null at once in its frame.
    'map toString (map (x: x) [ 1 "a" true false null 1.5 [ 1 2 ] ./. { outPath = "o"; } ])',
    'builtins.getContext (toString (builtins.head (map (x: x) [ "${builtins.toFile "a" "b"}" ])))',
    "toString (builtins.head (map (x: x) [ (x: x) ]))",
    "toString (builtins.head (map (x: x) [ (-9223372036854775807 - 1) ]))",
    # `elemAt`'s frame forcing the index inline.
    "let xs = [ 1 2 3 ]; in builtins.elemAt xs (1 + 1)",
    'builtins.elemAt [ 1 ] (throw "n")',
    'builtins.elemAt [ 1 ] (1 + "a")',
    'builtins.elemAt (throw "xs") (throw "n")',
    'builtins.elemAt [ 1 ] ("a" + "")',
    "builtins.elemAt (map (x: x) [ 1 2 ]) (0 - 1)",
    "let f = x: x; in builtins.elemAt [ 1 ] (f 1.0)",
    # `concatLists`' frame forcing its list inline.
    "builtins.concatLists (map (x: [ x ]) [ 1 2 ])",
    'builtins.concatLists (throw "l")',
    "builtins.concatLists (1 + 1)",
    'builtins.concatLists (1 + "a")',
    "builtins.concatLists (map (x: x) [ [ 1 ] 2 ])",
]

if __name__ == "__main__":
    record_strict(CASES, HERE / "fixtures" / "lib26_builtins.json")
