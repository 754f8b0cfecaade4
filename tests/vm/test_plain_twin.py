"""Plain twins of generated generator bodies (evaluator/compiler/codegen_plain.py)."""

from __future__ import annotations

import json

import pytest

from evaluator import api
from evaluator.api import Evaluator
from evaluator.compiler.codegen_plain import GENERATOR_SUFFIX, plain_twin
from evaluator.vm.errors import BudgetExceeded, NixError
from evaluator.vm.loop import Budget


def test_a_short_body_gets_a_twin_that_keeps_its_name() -> None:
    compiled = api.compile_source(b"s: s.a.b", None, "/")
    python = compiled.python
    generators = [line for line in python.splitlines() if line.startswith("def ") and "_g(" in line]
    assert generators
    for line in generators:
        plain = line.replace(GENERATOR_SUFFIX + "(", "(", 1)
        assert plain in python  # the twin, called by thunks and closures


def test_twin_of_lines_bails_before_direct_calls() -> None:
    lines = [
        (1, "if type(v1) is Thunk: v1 = v1.value if v1.code is None else (yield v1)", None, ()),
        (1, "t2 = v1.code(3) if type(v1) is Closure else Call(v1, 3)", None, ()),
        (1, "if type(t2) in PENDING_TYPES: t2 = yield t2", None, ()),
        (1, "return t2", None, ()),
    ]
    twin = plain_twin("lam1", ["v1"], lines)
    assert twin is not None
    texts = [text for _, text, _, _ in twin]
    assert texts[:3] == [
        "if type(v1) is Thunk:",
        "if v1.code is not None: return lam1_g(v1)",
        "v1 = v1.value",
    ]
    assert texts[3] == "return lam1_g(v1)"  # never calls other generated code
    assert texts[4] == "if type(t2) in PENDING_TYPES: return lam1_g(v1)"


@pytest.mark.parametrize(
    ("src", "value"),
    [
        # Forced first (the twin completes) and unforced (the twin bails).
        ("let s = { a.b = 2; }; g = x: x.a.b; in [ (g s) (g s) ]", [2, 2]),
        ("let f = x: y: x + y; in builtins.foldl' f 0 [ 1 2 3 ]", 6),
        ('let f = x: x.a or "none"; in [ (f {}) (f { a = 3; }) ]', ["none", 3]),
        ("let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 15", 610),
        ("let g = n: if n == 0 then 0 else 1 + g (n - 1); in g 3000", 3000),
    ],
)
def test_values_through_both_versions(src: str, value: object) -> None:
    assert Evaluator().eval_source(f"builtins.toJSON ({src})") == json.dumps(
        value, separators=(",", ":")
    )


def test_an_error_in_a_twin_is_located() -> None:
    with pytest.raises(NixError) as info:
        Evaluator().eval_source("let s = { a = 1; }; g = x: x.b; in g s")
    assert info.value.span is not None
    assert "'b' missing" in info.value.message or "attribute 'b'" in info.value.message


def test_endless_tail_calls_of_plain_bodies_see_the_step_budget() -> None:
    with pytest.raises(BudgetExceeded, match=r"\(steps\)"):
        Evaluator(budget=Budget(max_steps=5_000)).eval_source("let f = x: f x; in f 1")
