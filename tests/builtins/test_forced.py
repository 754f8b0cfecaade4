"""Thunks the builtins force (their hot frames force them inline, with no
sub-generator): what nixls prints must be C++ Nix's, traces included
(``fixtures/forced.json``, recorded by ``record_forced.py``, plain and with
``--show-trace``)."""

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

CASES: list[dict[str, Any]] = load_cases(__file__, "forced.json")

# Differences nixls had before these frames forced inline (main `703331a`
# prints the same).
KNOWN = {
    "let a = { x = b.y; }; b = { y = builtins.length a.x; }; in builtins.length a.x": "nixls "
    "locates the infinite recursion elsewhere",
    'builtins.concatStringsSep "," [ "a" ((x: x + 1) "b") ]': "nixls adds the element entry "
    "of concatStringsSep to a type error inside the element",
    "builtins.length (let s = { a = { b = [ 1 ]; }; }; in s.a.b ++ s.a.c)": "nixls lacks Nix's "
    "entry for the missing attribute 'a.c'",
}


@pytest.mark.parametrize(
    "case", [case_param(c, xfail_because(KNOWN.get(c["expr"]))) for c in CASES]
)
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)
