"""Record what C++ Nix prints for the expressions `test_restart.py` checks (run
by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_restart

Writes ``fixtures/restart.json``: for each expression and each of plain and
``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Bodies that finish at once or wait at their first line (what plain22's
# reverted plain functions ran; docs/performance.md): selections, forces of
# arguments evaluated or not, a failing selection, formals missing or
# unexpected, additions of either type, a result still to evaluate, lambdas
# given to `map` and `foldl'` and called by generated code; values, errors and traces.
CASES = [
    "let f = o: o.name; in [ (f { name = 1; }) (f { name = 1 + 1; }) ]",
    "let f = o: o.name; in f { }",
    "let f = o: o.name; in builtins.map f [ { name = 1; } { } ]",
    'let f = o: o.name; in builtins.map f [ { name = throw "inner"; } ]',
    "let f = o: o.name; in builtins.deepSeq (builtins.map f [ 1 ]) 0",
    "let f = { a, b ? 2 }: a + b; in [ (f { a = 1; }) (f { a = 1; b = 3; }) ]",
    "let f = { a, b ? 2 }: a + b; in f { b = 1; }",
    "let f = { a }: a; in f { a = 1; c = 2; }",
    'let f = a: b: a + b; in [ (f 1 2) (f "x" "y") (f 1 "y") ]',
    "let f = a: b: a + b; in builtins.foldl' f 0 [ 1 2 (3 + 4) ]",
    'let f = a: b: a + b; in builtins.foldl\' f 0 [ 1 "a" ]',
    "let s = { x = 1; }; t = { y = s.x; z = s.nope; }; in [ t.y t.z ]",
    "let s = { x = 1; }; t = { y = s.x; z = s.nope; }; in t.y",
    'let k = "x"; f = s: s.${k}; in [ (f { x = 1; }) (f { }) ]',
    "let f = x: if x.a then x.b else x.c; in [ (f { a = true; b = 1; c = 2; }) (f { a = 1; }) ]",
    'let f = x: x.a or (x.b or 3); in [ (f { }) (f { b = 2; }) (f { a = throw "a"; }) ]',
    "let f = x: x.a.b; in builtins.map f [ { a = { b = 1; }; } { a = 1; } ]",
    "let f = x: assert x.ok; x.v; in [ (f { ok = true; v = 1; }) (f { ok = false; v = 2; }) ]",
    # Bodies that never wait (plain functions already), failing where Nix points inside them.
    "let f = x: { }.a; in f 1",
    'let f = x: y: { }.${y}; in f 1 "b"',
    "let f = x: 1 + { }; in [ (f 0) ]",
]


def main() -> None:
    """Write the fixture."""
    record_strict(CASES, HERE / "fixtures" / "restart.json")


if __name__ == "__main__":
    main()
