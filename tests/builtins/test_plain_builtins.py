"""Builtins that answer at once, with no frame, when their arguments are
evaluated (`add`, `sub`, `mul`, `div` of integers), and give their frame for
the rest: values, errors and traces as C++ Nix 2.26.3 prints them
(``fixtures/plain_builtins.json``, ``record_plain_builtins.py``; also `all`
and `any` over evaluated lists, whose plain answers were measured and not
kept: see docs/performance.md, lib25)."""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import pytest

from evaluator.builtins import arith
from tests.vm.nix_oracle import (
    case_param,
    load_cases,
    recorded,
    strict_output,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "plain_builtins.json")

# Differences main has too (each checked equal in main's tree): `listToAttrs`'s
# entries for a name that fails or is no string.
_NAME = (
    "a name with a store path's context: nixls shows the path's whole text in the message"
    " and the name's position"
)
_VALUE = "nixls adds \"while evaluating the attribute 'value'\" under the printed attribute"
KNOWN = {
    **{
        (expr, flags): why
        for expr, why in [
            ('builtins.listToAttrs [ { name = "${builtins.toFile "n" "x"}"; value = 1; } ]', _NAME),
            (
                'builtins.listToAttrs [ { name = "a" + "b"; value = throw "unused"; }'
                ' { name = "ab"; } ]',
                _VALUE,
            ),
        ]
        for flags in [(), ("--show-trace",)]
    },
}


def _known(c: dict[str, Any]) -> str | None:
    return KNOWN.get((c["expr"], tuple(c["flags"])))


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_known(c))) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


@pytest.mark.parametrize(
    ("fn", "a", "b", "value"),
    [
        (arith.add, 2, 3, 5),
        (arith.sub, 2, 3, -1),
        (arith.mul, -2, 3, -6),
        (arith.div, -7, 2, -3),
        (arith.div, 7, -2, -3),
        (arith.div, -(2**63), 1, -(2**63)),
    ],
)
def test_evaluated_integers_need_no_frame(fn: Any, a: int, b: int, value: int) -> None:
    assert fn(a, b) == value


@pytest.mark.parametrize(
    ("fn", "a", "b"),
    [
        (arith.add, 2**63 - 1, 1),
        (arith.sub, -(2**63), 1),
        (arith.mul, 2**62, 2),
        (arith.div, 1, 0),
        (arith.div, -(2**63), -1),
        (arith.add, 1, 2.5),
        (arith.div, "a", 1),
    ],
)
def test_the_rest_is_the_frame(fn: Any, a: Any, b: Any) -> None:
    assert type(fn(a, b)) is GeneratorType
