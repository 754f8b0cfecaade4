"""`sort` with a Nix lambda as comparator: `sort` applies it to both elements
itself (the lambda's body for the second run in `sort`'s own frame when it
asks nothing), and what it prints must be C++ Nix's, traces included.

``fixtures/sort_comparators.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_sort_comparators.py``), plain and with
``--show-trace``. An error inside the comparator has no "while evaluating the
first argument passed to builtins.sort" entry (main added one: the frame waited
at an expression naming the comparator).
"""

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

CASES: list[dict[str, Any]] = load_cases(__file__, "sort_comparators.json")


# Differences from C++ Nix that main has too, not sort's (none now: a failing
# comparison's position, which Nix leaves out, is left out here too).
KNOWN: dict[str, str] = {}


@pytest.mark.parametrize(
    "case", [case_param(c, xfail_because(KNOWN.get(c["expr"]))) for c in CASES]
)
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)
