"""Lambdas `a: b: body` applied by builtins to two arguments at once.

The code generator marks a lambda whose body is only another lambda
(``codegen_functions._curried_inner``); `sort`, `foldl'`, `mapAttrs` and
`zipAttrsWith` then start the inner body with both arguments
(``support.curried_inner``), with no outer call, closure or `partial` per
application. That must not be observable: ``fixtures/curried.json`` holds
nix-instantiate 2.26.3's exit status, stdout and whole stderr
(``record_curried.py``), plain and with ``--show-trace``.
"""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.builtins.support import curried_inner, two_argument_code
from evaluator.vm.values import Closure
from tests.vm.nix_oracle import (
    case_param,
    load_cases,
    recorded,
    strict_output,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "curried.json")


# Differences main has too (its output for these is the branch's, checked when
# the marking came in): Nix shows a call site, at the outer lambda, for these
# lazily applied `mapAttrs` and `zipAttrsWith` functions. (The attribute's entry
# came after the lambda's until `deep_force` settled a pending call first.)
_SITE = "Nix shows a call site at the outer lambda of these functions"
KNOWN = {
    ('builtins.mapAttrs (n: v: n + v) { a = "x"; b = 1; }', True): _SITE,
    ("builtins.zipAttrsWith (n: vs: n + vs) [ { a = 1; } ]", True): _SITE,
    ("builtins.zipAttrsWith (_: vs: (builtins.head vs).x) [ { a = 1; } ]", True): _SITE,
}


def _known(case: dict[str, Any]) -> list[Any]:
    return xfail_because(KNOWN.get((case["expr"], bool(case["flags"]))))


@pytest.mark.parametrize("case", [case_param(c, _known(c)) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _value(expr: str) -> Any:
    return Evaluator().eval_source(expr)


@pytest.mark.parametrize(
    ("expr", "takes_a"),
    [
        ("a: b: a < b", True),
        ("let c = 1; in a: b: c + a + b", True),
        ("let c = 1; in a: b: a + c + b", True),  # `a` moved after `c`
        ("_: b: b", False),
        ("a: b: c: a", True),
    ],
)
def test_marked(expr: str, takes_a: bool) -> None:
    f = _value(expr)
    found = curried_inner(f)
    assert found is not None and found[1] is takes_a
    assert callable(two_argument_code(f))


@pytest.mark.parametrize(
    "expr",
    [
        "a: a + 1",  # not curried
        "{ a }: b: a",  # formals
        "a: let c = a; in b: c + b",  # more than the inner lambda
        "a: (x: x) (b: b)",
        "a: b: b",  # `b` alone: the inner captures nothing, `a` unused
    ],
)
def test_not_marked_unless_exact(expr: str) -> None:
    f = _value(expr)
    assert type(f) is Closure
    marked = curried_inner(f)
    if expr == "a: b: b":
        assert marked is not None and marked[1] is False  # the inner takes `b` alone
    else:
        assert marked is None
        assert f.curried is None
    assert type(f.ellipsis) is bool


def test_the_inner_body_is_the_same_frame() -> None:
    f = _value("let c = 10; in a: b: c * a + b")
    run = two_argument_code(f)
    assert run is not None
    inner = f.code(2)
    direct, usual = run(2, 3), inner.code(3)
    assert direct.gi_code is usual.gi_code
    for frame in (direct, usual):
        with pytest.raises(StopIteration) as stop:
            frame.send(None)
        assert stop.value.value == 23
