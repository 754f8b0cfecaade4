"""Generator bodies that also run as plain functions (`codegen_restart`): the
bodies chosen, the code written for them, and every value, error and trace as
C++ Nix 2.26.3 prints them (recorded by `record_restart.py`)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluator.compiler.codegen_restart import plan_plain
from evaluator.front_end import compile_source
from tests.vm.nix_oracle import case_param, nixls, recorded, xfail_because

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "restart.json").read_text()
)


# Differences main `ad9af1c` has too (its output is the same, but for the
# first: main names the lambda twice where Nix shows its call site once).
_MAIN_TOO = "main too: Nix's call site of a function `map` applies"
_KNOWN: dict[tuple[str, bool], str] = {
    ("let f = o: o.name; in builtins.map f [ { name = 1; } { } ]", True): _MAIN_TOO,
    ('let f = o: o.name; in builtins.map f [ { name = throw "inner"; } ]', True): _MAIN_TOO,
    ("let f = o: o.name; in builtins.deepSeq (builtins.map f [ 1 ]) 0", False): _MAIN_TOO,
    ("let f = o: o.name; in builtins.deepSeq (builtins.map f [ 1 ]) 0", True): _MAIN_TOO,
    ("let f = x: x.a.b; in builtins.map f [ { a = { b = 1; }; } { a = 1; } ]", False): _MAIN_TOO,
    ("let f = x: x.a.b; in builtins.map f [ { a = { b = 1; }; } { a = 1; } ]", True): _MAIN_TOO,
}
_IF = "let f = x: if x.a then x.b else x.c; in [ (f { a = true; b = 1; c = 2; }) (f { a = 1; }) ]"
_KNOWN[(_IF, False)] = _KNOWN[(_IF, True)] = "main too: the trace of a condition's type error"


def _known(case: dict[str, Any]) -> str | None:
    return _KNOWN.get((case["expr"], bool(case["flags"])))


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_known(c))) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert nixls(case["expr"], ["--strict", *case["flags"]]) == recorded(case)


def _python(source: str) -> str:
    return compile_source(source.encode(), None, "/").python


def test_a_selection_is_a_plain_function_with_a_generator_twin() -> None:
    python = _python("o: o.name")
    plain, twin = python.split("\ndef ")[1:3]
    assert plain.startswith("lam") and "yield" not in plain
    assert "return y" in plain  # the twin, where the body would wait or fail
    assert twin.startswith("y") and "(yield " in twin and "raise r_select_error" in twin


FORCE = "    if type(a) is Thunk: a = a.value if a.code is None else (yield a)"


@pytest.mark.parametrize(
    ("lines", "is_lambda", "plain"),
    [
        # forces and selections, then a value: plain
        ([FORCE, "    return 1"], True, True),
        # a thunk may end in a call; a lambda's call is left to its twin (never plain)
        ([FORCE, "    return Call(a, 1, K)"], False, True),
        ([FORCE, "    return Call(a, 1, K)"], True, False),
        # a thunk made before a wait: the wait cannot be done again
        (["    t = Thunk(K)", FORCE, "    return t"], False, False),
        # ... but after the last one it may (it is done once)
        ([FORCE, "    t = Thunk(K)", "    return t"], False, True),
        # a call of a body or builtin: only where nothing was made before
        (["    t = Closure(K)", "    u = a.code(t)", "    return u"], False, False),
        # made on a path that has ended: the other path may wait
        (
            ["    if a:", "        return Attrs({})", FORCE, "    return a"],
            False,
            True,
        ),
        # an argument assigned (not forced): its twin would not get the same
        (["    a = 1", "    return a"], False, False),
    ],
)
def test_which_bodies_run_plain(lines: list[str], is_lambda: bool, plain: bool) -> None:
    assert (plan_plain(lines, ["a"], is_lambda) is not None) is plain
