"""Record what C++ Nix prints for the expressions `test_started_bodies.py` checks
(run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.vm.record_started_bodies

Writes ``fixtures/started_bodies.json``: for each expression and each of plain
and ``--show-trace`` output, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# Functions a builtin applies per element (filter, all, any, concatMap,
# foldl', sort, partition, groupBy), whose bodies wait for something first
# (an attribute not yet evaluated), then finish, fail, or end in a call.
CASES = [
    "builtins.filter (x: x.a == 2) [ { a = 1 + 1; } { a = 1 + 2; } ]",
    "builtins.all (x: x.a > 1) [ { a = 1 + 1; } { a = 2 + 1; } ]",
    "builtins.any (x: x.a.c == 2) [ { a = { c = 1 + 1; }; } ]",
    "builtins.concatMap (x: [ x.a x.a ]) [ { a = 1 + 1; } ]",
    "builtins.foldl' (acc: x: acc + x.a) 0 [ { a = 1 + 1; } { a = 2 + 2; } ]",
    "builtins.sort (a: b: a.v < b.v) [ { v = 2 + 1; } { v = 1 + 0; } ]",
    "builtins.partition (x: x.n > 1) [ { n = 1 + 1; } { n = 0 + 0; } ]",
    'builtins.groupBy (x: x.n) [ { n = "a" + "b"; } ]',
    'builtins.filter (x: if x.a == 2 then throw "boom" else true) [ { a = 1 + 1; } ]',
    "builtins.filter (x: if x.a == 2 then builtins.head [ ] else true) [ { a = 1 + 1; } ]",
    "builtins.concatMap (x: if x.a == 2 then 1 else [ ]) [ { a = 1 + 1; } ]",
    "builtins.any (x: x.a.c) [ { a = { c = 1 + 1; }; } ]",
    "builtins.groupBy (x: x.n) [ { n = 1 + 1; } ]",
    "builtins.filter (x: x == [ ]) [ [ ] [ 1 ] (1 + 1) { } ]",
    "builtins.filter (x: x != { }) [ { } { a = 1; } (1 + 1) [ ] ]",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "started_bodies.json")


if __name__ == "__main__":
    main()
