"""A comparison of values Nix cannot order prints what C++ Nix prints: the
`lessThan` entry locates the operator, the error itself has no position (main
printed the comparison's position under it); `<=`/`>=`, which Nix parses as
`!(b < a)`, add "in the argument of the not operator"; elements of lists add
"while comparing two list elements", once per list level.

``fixtures/compare_errors.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_compare_errors.py``), plain and with
``--show-trace``.
"""

from __future__ import annotations

from typing import Any

import pytest

from tests.vm.nix_oracle import (
    case_param,
    load_cases,
    recorded,
    strict_output,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "compare_errors.json")

# Differences from C++ Nix known here (none now).
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "case", [case_param(c, xfail_because(KNOWN.get(c["expr"]))) for c in CASES]
)
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def test_the_span_is_still_known() -> None:
    """The position is only left out of the report: the error keeps its span
    (the editor's diagnostics place it)."""
    from evaluator.api import Evaluator
    from evaluator.vm.context import EvalContext
    from evaluator.vm.errors import EvalTypeError

    ev = Evaluator(EvalContext())
    with pytest.raises(EvalTypeError) as info:
        ev.eval_source('1 < "x"')
    assert info.value.span is not None
    assert info.value.__dict__.get("position_shown") is False
