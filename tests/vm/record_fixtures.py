"""Record expected outputs of the VM tests from C++ Nix (run by hand, not by pytest).

    python tests/vm/record_fixtures.py

Writes ``fixtures/eval_cases.json``: for each case the command-line flags,
the expression, nix-instantiate's exit status, stdout, and the first line of
stderr (the error message). The tests compare ``nixls eval`` with these.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent

# (flags, expression)
CASES: list[tuple[list[str], str]] = []


def strict(*exprs: str) -> None:
    CASES.extend((["--strict"], e) for e in exprs)


def lazy(*exprs: str) -> None:
    CASES.extend(([], e) for e in exprs)


# Literals and printing.
strict(
    "1",
    "-5",
    "9223372036854775807 + 1",
    "true",
    "null",
    '"a\\"b\\\\c\\n\\t\\r${"$"}{x} $ $$"',
    "1.0",
    "0.1",
    "123456789.0",
    "1.5e-7",
    "100000.0",
    "1000000.0",
    "3.14159265",
    "2.5e-5",
    "[ 1.0 2.0 0.001 1.0e-5 1.0e20 (1.0e300 * 1.0e300) ]",
    "[ (1.0e300 * 1.0e300 - 1.0e300 * 1.0e300) (0 - 1.0e300 * 1.0e300) ]",
    '{ "a b" = 1; "1a" = 2; a1 = 3; _b = 4; "a-b\'" = 5; "" = 6; "if" = 7; "then" = 8; '
    '"é" = 9; "a.b" = 10; }',
    "let x = [1]; in [x x]",
    "let x = {a=1;}; in {a=x;b=x;}",
    "let x = []; in [x x]",
    "let x = [1]; in [x [x]]",
    "let x = rec { a = x; }; in x",
    "/foo/bar",
    "/a/../b/./c",
    "builtins.map",
    "map (x: x)",
    "x: x",
    "builtins.add 1",
    "http://example.org/x?y=1",
    '"ÿ"',
    "[ [] {} ]",
    "{ }",
)
lazy(
    "{a = 1; b = [1 2 (3+4)]; c = x: x;}",
    "let x = [1]; in [x x]",
    "[(1+1) 2]",
    "rec { a = 1; b = a; }",
    "let a = 1; in { inherit a; b = a; }",
    '{ a = "x"; c = null; d = 1.5; e = -1; f = true; }',
    "{a.b = 1; a.c = 2;}",
    "let f = x: x; in builtins.seq f {c = f;}",
    "[[] {}]",
    '{ ${"a"} = 1; }',
)
# Arithmetic, comparison, logic.
strict(
    "[ (1 + 2) (5 - 7) (3 * 4) (7 / 2) (-7 / 2) (7 / -2) (1 + 2.5) (1.5 * 2) (7.0 / 2) ]",
    '[ (1 < 2) (2 < 1) (1 <= 1) (2 >= 3) (3 > 2) (1.5 < 2) ("a" < "b") ([1 2] < [1 3]) ]',
    '[ (1 == 1) (1 == 1.0) ("a" == "a") ([1 2] == [1 2]) ({a=1;} == {a=1;}) (null == null) '
    "(1 != 2) ((x: x) == (x: x)) ]",
    "[ (true && false) (true || false) (false -> true) (true -> false) (!true) ]",
    '[ (false && throw "no") (true || throw "no") (false -> throw "no") ]',
    "9223372036854775807 * 2",
    "(-9223372036854775807 - 1) / -1",
    '"a" + "b"',
    './a + "b"',
    '"x" + ./.',
    "[1] ++ [2 3]",
    "{a=1; b=2;} // {b=3; c=4;}",
    "-(-9223372036854775807 - 1)",
)
# Bindings and scopes.
strict(
    "let a = 1; b = a + 1; in [a b]",
    "let a = b; b = 2; in a",
    "let x.y = 1; x.z = 2; in x",
    "let inherit ({a=1; b=2;}) a b; in a + b",
    "rec { a = 1; b = a + 1; }",
    "rec { inherit (x) y; x = { y = 1; }; }.y",
    "rec { a = { b = c; }; c = 1; a.d = c; }",
    "{ a = { b = 1; }; a.c = 2; }",
    "with { a = 1; b = 2; }; a + b",
    "with { a = 1; }; with { a = 2; }; a",
    "let a = 3; in with { a = 1; }; a",
    "with { true = 1; }; true",
    "let e = { x = 1; }; in with e; let y = x; in y",
    '{ ${"a" + "b"} = 1; ${null} = 2; c = 3; }',
    'rec { a = 1; ${"b"} = a; }',
    "let { body = a; a = 2; }",
    "rec { __overrides = { a = 2; }; a = 1; b = a; }",
    "({ a ? b, b ? 1 }: a) {}",
    "({ a, ... }@x: x) { a = 1; b = 2; }",
    "(x@{ a, ... }: x.b) { a = 1; b = 2; }",
    "({ a ? 5 }: a) { a = 1; }",
    "builtins.functionArgs ({ a, b ? 1, ... }: a)",
    "let f = { s, ... }: s.x; in f { s = { x = 1; }; }",
    "{ a = 1; } ? a",
    "{ a.b = 1; } ? a.b",
    "{ a = 1; } ? a.b",
    "1 ? a",
    "{ a = 1; }.b or 5",
    "{ a.b = 1; }.a.b or 5",
    "(1).a or 2",
    '{ a = 1; }.${"a"}',
    'let s = { a = { b = 1; }; }; k = "b"; in s.a.${k}',
    'if 1 < 2 then "yes" else "no"',
    "assert 1 == 1; 2",
    "let f = n: if n == 0 then [] else [n] ++ f (n - 1); in f 5",
    "let s = { __functor = self: x: x + self.b; b = 10; }; in s 5",
    '"${toString 1}-${"x"}"',
    "''\n  a\n    b\n  ${\"c\"}\n''",
    "let x = 1; in __curPos",
    'builtins.unsafeGetAttrPos "a" { a = 1; }',
    'builtins.tryEval (throw "x")',
    "builtins.tryEval (assert false; 1)",
    "builtins.tryEval (1 + 1)",
    "let x = builtins.tryEval (let y = y; in 1); in x",
    "{ toString = 1; }.toString",
    "(builtins.tryEval <nope>).success",
)
# Errors: exit status and message.
lazy(
    "assert 1 == 2; 1",
    "({a}: a) {}",
    "({a}: a) {a=1; b=2;}",
    "let f = {a}: a; in f {a=1; b=2;}",
    "{a=1;}.b",
    "if 1 then 1 else 2",
    "!1",
    "1 && true",
    "{ a = 1; a = 2; }",
    '{ ${"a"} = 1; ${"a"} = 2; }',
    "let x = x; in x",
    '1 + "a"',
    '"a" + 1',
    "1 / 0",
    'throw "foo"',
    'abort "foo"',
    "({a}: a) 1",
    "with 1; x",
    "with {}; x",
    "[1] ++ 1",
    "{} // 1",
    "(x: x) 1 2",
    "x",
    "let a = 1; in a.b.c",
    "{ ${1} = 2; }",
    "let s = { a = 1; }; in s.${null}",
    '1 < "a"',
    "[ (1 < {}) ]",
    '"${{}}"',
    'let f = n: if n == 0 then throw "bottom" else f (n - 1); in f 100',
    "({ a }: a) { b = 1; }",
    "<nonexistent>",
    "1.0 / 0",
    'builtins.seq (throw "a") 1',
)


# Thunks longer than codegen.DEFER_BYTES are compiled when first forced:
# their captures (let names, arguments, `with` scopes, `inherit`) must be right.
_PAD = " ".join(f"p{i} = {i};" for i in range(60))
strict(
    "let a = 1; w = { b = 2; }; f = { x, y ? a + x }: with w; let big = { "
    + _PAD
    + " r = [ a b x y ]; inherit a; inherit (w) b; }; in big.r ++ [ big.a big.b big.p59 ];"
    " in f { x = 10; }",
    'let s = { k = "v"; }; g = n: rec { ' + _PAD + " self = n; out = [ self s.k p1 ]; };"
    " in [ (g 1).out (g 2).out ]",
)

# Output formats.
for fmt in (
    ["--json"],
    ["--json", "--strict"],
    ["--xml"],
    ["--xml", "--no-location"],
    ["--xml", "--strict"],
):
    CASES.extend(
        (fmt, e)
        for e in (
            '{ a = 1; b = [ "x" 2.5 null true ]; d = { y = null; }; e = "\\u00e9\\n"; }',
            "[ 1 2 ]",
            "{ f = { a, b ? 1 }: a; g = a@{ ... }: a; h = y: y; }",
            "let x = { a = 1; }; in [ x x ]",
        )
    )


def main() -> int:
    out = []
    for flags, expr in CASES:
        proc = subprocess.run(
            # A leading space keeps `-5` from being read as an option.
            ["nix-instantiate", "--eval", *flags, "-E", " " + expr if expr[0] == "-" else expr],
            capture_output=True,
            cwd="/",
            env={"PATH": "/usr/bin:/bin", "HOME": "/homeless"},
        )
        stderr = proc.stderr.decode("utf-8", "replace").splitlines()
        out.append(
            {
                "flags": flags,
                "expr": " " + expr if expr[0] == "-" else expr,
                "status": proc.returncode,
                "stdout": proc.stdout.decode("utf-8", "surrogateescape"),
                "error": stderr[0] if stderr and proc.returncode else "",
            }
        )
    (HERE / "fixtures" / "eval_cases.json").write_text(
        json.dumps(out, indent=1, ensure_ascii=False) + "\n"
    )
    print(f"recorded {len(out)} cases")
    return 0


if __name__ == "__main__":
    sys.exit(main())
