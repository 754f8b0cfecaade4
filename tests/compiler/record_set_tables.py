"""Record what C++ Nix prints for the expressions `test_set_tables.py` checks (run by
hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.compiler.record_set_tables

Writes ``fixtures/set_tables.json``: for each expression, plain and with
``--show-trace``, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent


def _set(n: int, entry: str, extra: str = "") -> str:
    """A set literal of ``n`` attributes ``a<i> = <entry with {i}>;`` and ``extra``."""
    return "{ " + "".join(f"a{i} = {entry.format(i=i)}; " for i in range(n)) + extra + "}"


def _inherits(n: int, source: str) -> str:
    return " ".join(f"inherit ({source}) a{i};" for i in range(n))


# Set literals large enough to be built from tables (`codegen_sets.thunk_table`):
# thunks of generated code bound to variables, shared code (selections,
# calls, `inherit (s)` with its literal names), values among them, lambdas
# named by their attribute; forced, failing inside, listed, positioned.
BOOM = 'b = throw "boom"; '
AT = 'if x == {i} then throw "at {i}" else x'
THROWS = 'f = x: throw "in f"; '
TOO_BIG = 'n: if n > {i} then throw "too big" else n'
VALUES = 'p = 1; q = "s"; r = x; '
POS = ' (builtins.unsafeGetAttrPos "a31" s)'

CASES = [
    "let x = 1; s = " + _set(40, "x + {i}") + "; in [ s.a0 s.a39 (builtins.attrNames s) ]",
    "let x = 1; s = " + _set(40, "x + {i}", BOOM) + "; in s.b",
    "let x = 1; s = " + _set(40, AT) + "; in s.a1",
    "let src = " + _set(40, "{i} * 2") + "; s = { " + _inherits(40, "src") + " v = 7; }; in s",
    "let src = " + _set(39, "{i}") + "; s = { " + _inherits(40, "src") + " }; in s.a39",
    "let f = x: x + 1; y = 2; s = " + _set(40, "f y") + "; in [ s.a3 (builtins.attrValues s) ]",
    "let " + THROWS + "y = 2; s = " + _set(40, "f y") + "; in s.a3",
    "let t = { u = { v = 5; }; }; s = " + _set(40, "t.u.v") + "; in s.a9",
    "let t = { u = { }; }; s = " + _set(40, "t.u.w{i}") + "; in s.a9",
    "let s = " + _set(40, "n: n + {i}") + "; in s.a7 3",
    "let s = " + _set(40, TOO_BIG) + "; in s.a7 30",
    "let s = " + _set(40, "n: n + {i}") + '; in s.a7 "str"',
    "let x = 1; s = " + _set(40, "[ x {i} ]", VALUES) + "; in [ s.a5 s.p s.q s.r" + POS + " ]",
    "let x = 1; s = " + _set(40, "{{ b = x + {i}; }}") + "; in s.a20.b",
    "rec { y = 3; s = " + _set(40, "y * {i}") + "; }",
    "let x = 1; s = " + _set(40, "x + {i}") + "; in s.a40",
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "set_tables.json")


if __name__ == "__main__":
    main()
