"""Plain twins of marked inner bodies (``codegen_functions._plain_twin``).

`foldl'` and `sort` run a curried operator's twin (its inner body without
generator machinery, every wait a way out) before the body itself. That must
not be observable: ``fixtures/plain_twin.json`` holds nix-instantiate
2.26.3's exit status, stdout and whole stderr (``record_plain_twin.py``),
plain and with ``--show-trace``; each case also prints the same with the
twins turned off, and charges the budget the same.
"""

from __future__ import annotations

from types import GeneratorType
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.builtins import lists
from evaluator.builtins.support import MISSING, two_argument_code, two_argument_plain
from evaluator.compiler.codegen_functions import MAX_TWIN_LINES, _twin_line
from evaluator.vm.budget import Budget
from evaluator.vm.values import Closure, Thunk
from tests.vm.nix_oracle import (
    case_param,
    load_cases,
    nixls,
    recorded,
    strict_output,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "plain_twin.json")


# Differences from C++ Nix known to main as well (none now: a failing
# comparison's position, which Nix leaves out, is left out here too).
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "case", [case_param(c, xfail_because(KNOWN.get(c["expr"]))) for c in CASES]
)
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_the_same_without_twins(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    flags = ["--strict", *case["flags"]]
    with_twins = nixls(case["expr"], flags)
    monkeypatch.setattr(lists, "two_argument_plain", lambda fn: None)
    assert nixls(case["expr"], flags) == with_twins


def _allocated(expr: str) -> tuple[str, int, int]:
    budget = Budget()
    ev = Evaluator(budget=budget)
    return ev.render(ev.eval_source(expr, strict=True)), budget.allocated, budget.steps


@pytest.mark.parametrize(
    "expr",
    [
        # A string over 4 KiB is charged by the body; the twin gives up before it.
        'builtins.stringLength (builtins.foldl\' (acc: x: acc + x) "" (builtins.genList'
        ' (i: builtins.concatStringsSep "" (builtins.genList (j: "abcdefgh") 100)) 20))',
        # `//` charges; the twin then ends in a tail (a thunk), and the body runs again.
        "builtins.foldl' (acc: x: (acc // { ${x} = builtins.length [ x ]; }).${x})"
        ' { z = 0; } [ "a" ]',
        # `//` charges; the twin then finds a value not evaluated yet.
        "builtins.sort (a: b: ({ z = 0; } // { ${a} = builtins.length [ b ]; }).${a} < 2)"
        ' [ "a" "b" ]',
    ],
)
def test_the_budget_is_charged_once(expr: str, monkeypatch: pytest.MonkeyPatch) -> None:
    with_twins = _allocated(expr)
    monkeypatch.setattr(lists, "two_argument_plain", lambda fn: None)
    assert _allocated(expr) == with_twins


def _value(expr: str) -> Any:
    return Evaluator().eval_source(expr)


def test_a_twin_is_plain_and_gives_up_on_what_it_would_wait_for() -> None:
    f = _value("let c = 10; in a: b: c * a < b")
    twin = two_argument_plain(f)
    run = two_argument_code(f)
    assert twin is not None and run is not None
    assert twin(2, 21) is True and twin(3, 21) is False
    assert type(run(2, 21)) is GeneratorType  # the body itself
    pending = Thunk(lambda: 2)
    assert twin(pending, 21) is MISSING and twin(2, pending) is MISSING
    assert twin(Thunk.ready(2), 21) is True


def test_a_unused() -> None:
    twin = two_argument_plain(_value("_: b: b + 1 > 2"))
    assert twin is not None and twin("ignored", 2) is True


@pytest.mark.parametrize(
    "expr",
    [
        "a: b: b",  # never waits: the inner body is plain already
        'a: b: a."yield" < b',  # a string holding the word: a form not known here
        "a: a + 1",  # not curried
    ],
)
def test_no_twin(expr: str) -> None:
    f = _value(expr)
    assert type(f) is Closure and two_argument_plain(f) is None


def test_no_twin_for_a_long_body() -> None:
    body = " + ".join(f"(if a == {i} then b else {i})" for i in range(MAX_TWIN_LINES))
    f = _value(f"a: b: {body}")
    assert two_argument_code(f) is not None and two_argument_plain(f) is None


M = "\0"  # (`codegen_base.NAME_MARK`, around generated names' numbers)


@pytest.mark.parametrize(
    ("line", "twin"),
    [
        (
            f"    if type(t{M}3{M}) is Thunk: t{M}3{M} = t{M}3{M}.value"
            f" if t{M}3{M}.code is None else (yield t{M}3{M})",
            [
                f"    if type(t{M}3{M}) is Thunk:",
                f"        if t{M}3{M}.code is not None: return MISSING",
                f"        t{M}3{M} = t{M}3{M}.value",
            ],
        ),
        ("    else: t10 = yield from r_add(v1, t7, K12)", ["    else: return MISSING"]),
        (
            "        if type(t5) in PENDING_TYPES: t5 = yield t5",
            ["        if type(t5) in PENDING_TYPES: return MISSING"],
        ),
        ("    t5 = yield r_frame(x)", ["    return MISSING"]),
        ("    else: t8 = not (yield from o_lt(a, b))", ["    else: return MISSING"]),
        ("    yield from r_assert_equal(a, b, K1, K2)", ["    return MISSING"]),
        (
            "    if t4 is SLOW: t4 = yield from r_with_lookup('x', K3)",
            ["    if t4 is SLOW: return MISSING"],
        ),
        ("    if len(t2) > 4096: r_charge(len(t2))", ["    if len(t2) > 4096: return MISSING"]),
        (
            "    if type(t2) is str and len(t2) > 4096: r_charge(len(t2))",
            ["    if type(t2) is str and len(t2) > 4096: return MISSING"],
        ),
        # Forms not written by the code generator: no twin.
        ("    if x[1:2]: t = yield t", None),
        ("    t = f((yield t))", None),
        ("    if type(t) is Thunk: t = t.value if t.code is None else (yield u)", None),
    ],
)
def test_twin_lines(line: str, twin: list[str] | None) -> None:
    assert _twin_line(line) == twin
