"""Record what C++ Nix prints for the traces `test_trace_truncation.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_trace_truncation

Writes ``fixtures/trace_truncation.json``: for each expression and each of
plain and ``--show-trace`` output, nix-instantiate's exit status, stdout and
stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Traces of every length around Nix's brief budget (an entry counts one, two
# with a position; cut once more than three are counted), entries without a
# position (`addErrorContext`), which Nix prints even after the cut, runs of
# repeated frames, and errors with no trace at all.
CASES = [
    'throw "none"',
    '(throw "t") + 1',
    '(throw "t") <= 1',
    '{ a = throw "one"; }.a',
    '{ b = { a = throw "two"; }.a; }.b',
    'let a = { b = { c = { d = throw "deep"; }.d; }.c; }.b; in [ a ]',
    'builtins.addErrorContext "c1" (throw "t")',
    'builtins.addErrorContext "c1" (builtins.addErrorContext "c2" (throw "t"))',
    'let f = x: builtins.addErrorContext "c1" (builtins.addErrorContext "c2" (x + 1)); '
    + 'a = { b = { c = { d = throw "deep"; }.d; }.c; }.b; in [ (f a) ]',
    'let f = x: builtins.addErrorContext "outer ${toString x}" (g x); '
    + 'g = x: { a = builtins.addErrorContext "inner" ({ b = throw "x"; }.b); }.a; in f 1',
    'let s = { a = { b = { c = builtins.addErrorContext "late" (throw "x"); }.c; }.b; }.a; in s',
    "let xs = map (x: x.a) [ { a = 1; } { b = 2; } ]; "
    + "in builtins.foldl' (a: b: a + b) 0 (builtins.filter (x: x > 0) xs)",
    'let f = n: if n == 0 then throw "bottom" else { v = f (n - 1); }.v; in f 12',
    'let f = n: if n == 0 then throw "bottom" else builtins.addErrorContext "level ${toString n}" '
    + "(f (n - 1)); in f 8",
    'let s = { x = 1; }; in if (s.y or (throw "no")) == 1 then 1 else 2',
    'builtins.seq (builtins.addErrorContext "ctx" { a = 1; }.b) 1',
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "trace_truncation.json")


if __name__ == "__main__":
    main()
