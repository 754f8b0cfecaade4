"""Deeply nested values do not hit Python's recursion limit in builtins."""

from __future__ import annotations

import pytest

from evaluator.builtins.json import from_json_text
from evaluator.vm.values import NixList

api = pytest.importorskip("evaluator.api")

DEPTH = 20_000
# A list nested DEPTH levels deep: [ [ ... [ ] ... ] 1 ] built by foldl'.
NESTED = f"builtins.foldl' (a: b: [ a b ]) [ ] (builtins.genList (x: x) {DEPTH})"


def test_from_json_deep_document() -> None:
    value = from_json_text("[" * DEPTH + "]" * DEPTH)
    depth = 0
    while value:
        assert type(value) is NixList and len(value) == 1
        value = value[0]
        depth += 1
    assert depth == DEPTH - 1


@pytest.mark.parametrize(
    "expr,expected",
    [
        # "0 1 2 ..." with one space between numbers: the lengths add up.
        (
            f"builtins.stringLength (toString ({NESTED}))",
            sum(len(str(i)) for i in range(DEPTH)) + DEPTH - 1,
        ),
        (f"let l = {NESTED}; in builtins.fromJSON (builtins.toJSON l) == l", True),
        (f"let l = {NESTED}; in l == l && !(l < l)", True),
        (f"builtins.deepSeq ({NESTED}) 1", 1),
    ],
)
def test_deep_values(expr: str, expected: object) -> None:
    assert api.Evaluator().eval_source(expr) == expected
