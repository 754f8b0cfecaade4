"""Large set literals built from tables (`codegen_sets.thunk_table`, run by
`codegen_globals.thunk_set`): what nixls prints must be C++ Nix's, traces
included (``fixtures/set_tables.json``, recorded by ``record_set_tables.py``,
plain and with ``--show-trace``), and such sets must be built from tables."""

from __future__ import annotations

from typing import Any

import pytest

from evaluator.compiler.codegen import compile_tree
from evaluator.compiler.codegen_sets import TABLE_MIN
from evaluator.front_end import analyse_to_compile
from evaluator.syntax.parser import parse
from evaluator.vm.frames import SourceText
from tests.compiler.record_set_tables import CASES as EXPRESSIONS
from tests.vm.nix_oracle import (
    case_param,
    load_cases,
    recorded,
    strict_output,
    xfail_because,
)

CASES: list[dict[str, Any]] = load_cases(__file__, "set_tables.json")


# A difference nixls had before these tables (main `09f63c0` prints the same).
KNOWN = {
    EXPRESSIONS[8]: "nixls omits Nix's 'while evaluating the attribute' entry of the "
    "missing attribute of a selection path"
}


def test_fixture_is_current() -> None:
    assert [c["expr"] for c in CASES[::2]] == EXPRESSIONS


@pytest.mark.parametrize(
    "case", [case_param(c, xfail_because(KNOWN.get(c["expr"]))) for c in CASES]
)
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def _python(text: str) -> str:
    source = text.encode()
    result = parse(source)
    analysis = analyse_to_compile(result, "/t.nix", False)
    compiled = compile_tree(result.root, analysis.resolved, SourceText("/t.nix", source), "/")
    return compiled.main.python


@pytest.mark.parametrize(
    "entry",
    ["x + {i}", "f x", "t.u.v{i}", "{{ b = x; }}"],
)
def test_large_sets_are_tables(entry: str) -> None:
    """A set of TABLE_MIN thunks is a table; one fewer stays a dict display."""

    def program(n: int) -> str:
        attrs = "".join(f"a{i} = {entry.format(i=i)}; " for i in range(n))
        return f"x: f: t: {{ {attrs}}}"

    assert "r_thunk_set(" in _python(program(TABLE_MIN))
    assert "r_thunk_set(" not in _python(program(TABLE_MIN - 1))


def test_inherit_from_is_a_table() -> None:
    names = " ".join(f"a{i}" for i in range(TABLE_MIN))
    python = _python(f"s: {{ inherit (s) {names}; b = 1; }}")
    assert "r_thunk_set(" in python and "Attrs({" not in python
