"""Thunks given shared runtime code (`evaluator.vm.shared_code`) instead of a
generated function each: `inherit (e) names` and selection paths on a variable.
What they print must be C++ Nix's, traces included.

``fixtures/shared_code.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_shared_code.py``), plain and with
``--show-trace``.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.front_end import compile_source
from evaluator.vm.errors import BudgetExceeded
from evaluator.vm.loop import Budget
from tests.vm.nix_oracle import (
    case_param,
    cold_then_warm,
    load_cases,
    nixls,
    recorded,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "shared_code.json")


# Where nixls differed from Nix 2.26 before these thunks had shared code
# (main printed the same): each is a difference of the evaluator's traces, not
# of the thunks, and the shared code keeps it so that nothing else changes.
_KNOWN = {
    "rec { inherit ({ }) a; b = a; }.b": "an alias `b = a` is a's thunk, traced as 'a'",
    "let { inherit ({ }) a; body = a; }": "an alias `body = a` is a's thunk, traced as 'a'",
    "let x = { b = 1; }; s = { a = x.b.c; }; in s.a": "no entry for the attribute path 'b.c'",
    'let x = { b = throw "t"; }; s = { a = x.b.c; }; in s.a': "the entry names 'b', Nix 'b.c'",
    'let x = { b = { c = throw "t"; }; }; s = { a = x.b.c; }; in s.a': "names 'c', Nix 'b.c'",
    'let x = { }; in { a = x."b c"; }': "Nix quotes the name in the message",
    "let s = { a.b = s.c.d; c = { }; }; in s.a.b": "nested attribute paths are traced by name",
    "let s = { inherit (s) a; }; in s.a": "Nix traces the attribute twice",
    "let x = { a = x.b; b = x.a; }; in x.a": "Nix traces the attribute entered again",
    "let f = y: y + 1; g = x: f x.b.c; in g { b = 1; }": "no entry for the path 'b.c'",
    "let g = x: let a = x.b.c; in a; in g { b = { }; }": "no entry for the path 'b.c'",
}


def _param(case: dict[str, Any]) -> Any:
    reason = _KNOWN.get(case["expr"])
    return case_param(case, xfail_because(reason))


@pytest.mark.parametrize("case", [_param(c) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert nixls(case["expr"], case["flags"]) == recorded(case)


def _functions(source: str) -> list[str]:
    """The names of the functions a source's main unit defines."""
    python = compile_source(source.encode(), None, "/").python
    return [chunk.split("(", 1)[0] for chunk in ("\n" + python).split("\ndef ")[1:]]


@pytest.mark.parametrize(
    "source",
    [
        "x: { inherit (x) a b c; }",
        "x: rec { inherit (x) a b c; d = a; }",
        "x: let inherit (x) a b c; in [ a b c ]",
        "x: let { inherit (x) a b; body = a; }",
        "x: { a = x.b; c = x.d.e; }",
        "x: let a = x.b; c = x.d.e; in [ a c ]",
        "x: [ x.a x.b.c ]",
        "x: rec { y = x; a = y.b; }",
        'x: { a = [ ]; b = { }; c = [ 1 "s" true null 1.5 ]; d = { e = 1; f = "g"; }; }',
        "x: let a = { }; b = [ 1 ]; in [ a b [ ] ]",
        # Sets of attribute paths, sets and lists of variables, calls `f x`.
        "x: { a.b.c = x; d = [ x ]; e = { f = x; g.h = 1; }; }",
        "x: let a = { b = x; }; c = [ a ]; d = x a; in [ a c d ]",
        "x: rec { a.b = x; c = { d = a; }; e = x { f = c; }; }",
        "x: { a = x 1; b = toString x; c = x [ x ]; d = x { y.z = x; }; }",
    ],
)
def test_trivial_thunks_generate_no_function(source: str) -> None:
    # Only the root and the lambda: every thunk's code is shared runtime code.
    assert len(_functions(source)) == 2


def test_other_shapes_keep_generated_code() -> None:
    # A dynamic name, a default, an interpolation (the list holding it is
    # shared), a set with `inherit (e)`, a call of a dynamic selection, a call
    # whose argument is speculated, a call of two arguments.
    source = (
        'k: x: { a = x.${k}; c = x.d or 1; e = [ "${k}" ]; f = { inherit (x) y; };'
        " g = x.${k} 1; h = k (x.a); i = k x 1; }"
    )
    assert len(_functions(source)) == 3 + 7  # the root and two lambdas, seven thunks


def test_a_lambda_argument_is_a_closure_of_the_shared_call() -> None:
    # `f (z: z)`: the call's code is shared, the lambda is still generated.
    assert _functions("f: { e = f (z: z); }") == ["main", "lam2", "lam3"]


@pytest.mark.parametrize("shape", [("{ a = ", "; }"), ("[ ", " ]"), ("x (", ")")])
def test_deep_nesting_keeps_generated_code_below_pythons_limits(
    shape: tuple[str, str],
) -> None:
    # Shared code holds shared code only so deep: generated lines stay below
    # Python's limit on nested brackets (200), however deep the Nix source.
    open_, close = shape
    assert len(_functions(f"x: {{ v = {open_ * 30}x{close * 30}; }}")) > 2
    source = f"x: {{ v = {open_ * 300}x{close * 300}; }}"
    ev = Evaluator()
    text = f"let x = y: y; in builtins.deepSeq (({source}) x).v true"
    assert ev.render(ev.eval_source(text)) == "true"


def _chain(body: str, n: int, **budget: int) -> object:
    src = f"(builtins.foldl' (acc: i: {body}) {{ a = 1; }} (builtins.genList (i: i) {n})).a"
    ev = Evaluator(budget=Budget(**budget))
    return ev.render(ev.eval_source(src))


@pytest.mark.parametrize("body", ["{ inherit (acc) a; }", "{ a = acc.a; }"])
def test_long_chains_need_no_python_stack(body: str) -> None:
    # Each thunk gives the previous one in its place: 100,000 of them in a row.
    assert _chain(body, 100_000) == "1"


@pytest.mark.parametrize("body", ["{ inherit (acc) a; }", "{ a = acc.a; }"])
def test_long_chains_count_steps(body: str) -> None:
    with pytest.raises(BudgetExceeded, match="budget"):
        _chain(body, 100_000, max_steps=100_000)


def test_the_disk_cache_keeps_what_shared_code_is_given(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Spans, selection paths and set prototypes are constants of the cached units.
    monkeypatch.chdir("/")
    second = "  inherit (x) a; c = x.a.b; m = x.a.m; }; in s\n"
    first = 'let x = { a = { b = 1; }; }; s = { v = { p = 1; q = "s"; }; w = [ 1 "z" ]; e = { };\n'
    tails = ['[ (builtins.unsafeGetAttrPos "q" s.v) s.w s.e s.a s.c ]', "s.m"]
    outputs = cold_then_warm(tmp_path, first + second, tails)
    assert outputs[0][1].endswith('line = 1; } [ 1 "z" ] { } { b = 1; } 1 ]\n')
    column = second.index("x.a.m") + 1
    assert "attribute 'm' missing" in outputs[1][2]
    assert f"f.nix:2:{column}:" in outputs[1][2]
