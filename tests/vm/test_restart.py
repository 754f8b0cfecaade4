"""Bodies that finish at once or wait at their first line (selections, forces
of arguments evaluated or not, formals, additions, results still to evaluate,
lambdas `map` applies): every value, error and trace as C++ Nix 2.26.3 prints
them (recorded by `record_restart.py`). plain22 measured running such bodies
as plain functions with a generator twin (docs/performance.md) and reverted
it; these cases are what it was checked against, and where main differs."""

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

CASES: list[dict[str, Any]] = load_cases(__file__, "restart.json")


# A difference from Nix that main has: the trace of a condition's type error.
# (The call site of a function `map` applies, and a selection's type error, are
# traced as Nix does since lead26; a failing selection inside the lambda,
# located at the call site by main `ad9af1c`, is located as Nix does since.)
_IF = "let f = x: if x.a then x.b else x.c; in [ (f { a = true; b = 1; c = 2; }) (f { a = 1; }) ]"
_PATH = "Nix names the entry of a selection path by the whole path ('a.b')"
_MAP = "let f = x: x.a.b; in builtins.map f [ { a = { b = 1; }; } { a = 1; } ]"
_KNOWN: dict[tuple[str, bool], str] = {
    (_MAP, False): _PATH,
    (_MAP, True): _PATH,
    (_IF, False): "main: the trace of a condition's type error",
    (_IF, True): "main: the trace of a condition's type error",
}


def _known(case: dict[str, Any]) -> str | None:
    return _KNOWN.get((case["expr"], bool(case["flags"])))


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_known(c))) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)
