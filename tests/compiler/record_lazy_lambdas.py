"""Record what C++ Nix prints for the expressions `test_lazy_lambdas.py`
checks (run by hand, not by pytest; needs ``nix226-instantiate``).

    python -m tests.compiler.record_lazy_lambdas

Writes ``fixtures/lazy_lambdas.json``: for each expression, plain and with
``--show-trace``, nix-instantiate's exit status, stdout and stderr.
"""

from __future__ import annotations

from pathlib import Path

from evaluator.compiler.codegen_lazy import LAMBDA_DEFER_BYTES
from tests.vm.nix_oracle import record_strict

HERE = Path(__file__).resolve().parent

# A `let` making a lambda's body longer than LAMBDA_DEFER_BYTES (on a line of
# its own, so that no error shown quotes it).
PAD = '\n  let pad = "' + "p" * (LAMBDA_DEFER_BYTES + 20) + '";\n  in '

# Lambdas whose bodies are generated on their first call: errors in the
# body, in the argument checks (formals, defaults, `@` patterns) and in
# recursion before and after the body is generated; what the closure tells
# before any call (`functionArgs`, `toXML`, positions).
CASES = [
    f'let f = x:{PAD}throw "boom ${{toString x}}";\nin f 1',
    f"let f = x:{PAD}assert x > 1; x;\nin f 0",
    f"let f = {{ a, b ? 2 }}:{PAD}a + b;\nin f {{ c = 1; }}",
    f"let f = {{ a, b ? 2 }}:{PAD}a + b;\nin f {{ b = 1; }}",
    f'let f = {{ a, b ? a + "x" }}:{PAD}b;\nin f {{ a = 1; }}',
    f"let f = args@{{ a, ... }}:{PAD}args.b;\nin f {{ a = 1; }}",
    f"let f = {{ a, ... }}@args:{PAD}a + args.c;\nin f {{ a = 1; c = 2; }}",
    f'let f = n:{PAD}if n == 0 then throw "zero" else f (n - 1);\nin f 3',
    f'let s = {{ f = x: y:{PAD}throw "in ${{toString x}}"; }};\nin s.f 1 2',
    f"let f = x:{PAD}x.missing;\nin map f [ {{ }} ]",
    f"let f = {{ a, b ? 1 }}:{PAD}a;\nin builtins.functionArgs f",
    f"let f = {{ a, b ? 1, ... }}@args:{PAD}a;\nin builtins.toXML f",
    f'let f = x:{PAD}throw "never";\nin [ (builtins.typeOf f) (builtins.isFunction f) ]',
    f"let f = x:{PAD}x * 2;\nin map f [ 1 2 3 ]",
    f'let f = {{ a, b ? 1 }}:{PAD}a;\nin builtins.unsafeGetAttrPos "b" (builtins.functionArgs f)',
]


def main() -> None:
    record_strict(CASES, HERE / "fixtures" / "lazy_lambdas.json")


if __name__ == "__main__":
    main()
