"""Record what C++ Nix prints for the expressions `test_forced.py` checks (run by
hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.builtins.record_forced

Writes ``fixtures/forced.json``: for each expression, plain and with
``--show-trace``, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Thunks a builtin forces (`length`, `map`, `isAttrs`, `concatStringsSep`,
# `addErrorContext`, the lists of `filter`, `concatLists`, ...), which the hot
# frames force inline (no sub-generator): finishing, ending in calls, failing
# at every depth, forced again after a failure, and in infinite recursion.
CASES = [
    "let f = x: x; in builtins.length (builtins.map f [ 1 2 ])",
    'builtins.concatStringsSep "." (map (p: if p == "*" then p else "x" + p) [ "a" "*" ])',
    'let xs = if 1 + 1 == 2 then throw "no list" else [ ]; in builtins.length xs',
    'let a = { b = throw "deep"; }; xs = a.b; in builtins.length xs',
    'let f = x: throw "in f"; xs = f 1; in builtins.length xs',
    "let f = x: [ x ]; xs = let y = f 1; in y ++ f 2; in builtins.length xs",
    "let a = { x = b.y; }; b = { y = builtins.length a.x; }; in builtins.length a.x",
    'let xs = if builtins.getEnv "NO_SUCH_VAR" == "" then throw "t" else [ ]; '
    "in [ (builtins.tryEval (builtins.length xs)) (builtins.tryEval (builtins.length xs)) ]",
    "builtins.isAttrs (let f = x: x.nope; in f { })",
    'builtins.concatStringsSep "," [ "a" ((x: x + 1) "b") ]',
    'builtins.concatStringsSep "," [ "a" (let s = { v = "b"; }; in s.v) (toString 3) ]',
    "builtins.map (x: x * 2) (builtins.filter (x: x > 1) [ 1 2 3 ])",
    'builtins.addErrorContext "ctx" (let f = x: throw "e"; in f 1)',
    'builtins.addErrorContext "ctx" (let s = { a = 1 + 1; }; in s.a)',
    "let f = n: if n == 0 then [ ] else f (n - 1); in builtins.length (f 50)",
    "let xs = (x: [ x ]) 1; n = builtins.length xs; in [ n xs ]",
    "let s = { l = [ 1 ] ++ s.m; m = [ 2 ]; }; in builtins.concatLists [ s.l s.m ]",
    "builtins.filter (x: x) (let s = { a = [ true (1 == 1) ]; }; in s.a)",
    "builtins.length (let s = { a = { b = [ 1 ]; }; }; in s.a.b ++ s.a.c)",
    'builtins.isList (builtins.trace "once" [ ])',
    'builtins.length (let xs = builtins.trace "once" [ 1 ]; in xs)',
    'let l = [ (throw "elem") ]; in builtins.concatStringsSep "," l',
    "builtins.head (builtins.concatLists [ [ ] (let f = x: x; in f [ 1 ]) ])",
    "builtins.elemAt (let s = { a = builtins.genList (x: x) 3; }; in s.a) 5",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "forced.json")


if __name__ == "__main__":
    main()
