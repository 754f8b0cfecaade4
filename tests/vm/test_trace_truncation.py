"""Without ``--show-trace`` a trace is cut where C++ Nix 2.26 cuts it: each
entry counts one, two with a position, and once more than three have been
counted only ``addErrorContext``'s entries are still printed, followed by
"(stack trace truncated; …)". nixls used to cut at ten entries.

``fixtures/trace_truncation.json`` holds nix-instantiate 2.26.3's exit status,
stdout and whole stderr (``record_trace_truncation.py``), plain and with
``--show-trace``.
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

CASES: list[dict[str, Any]] = load_cases(__file__, "trace_truncation.json")


# Only with --show-trace: a `map` element that a comparison forces (`x > 0`,
# which Nix evaluates as a call of `lessThan`, forcing without a position) is
# entered "from call site" at the operand; Nix shows no call site.
_COMPARED = "nixls gives a call site to a `map` element that a comparison forces"


def _reason(case: dict[str, Any]) -> str | None:
    if case["flags"] and case["expr"].startswith("let xs = map"):
        return _COMPARED
    return None


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_reason(c))) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def test_the_fixtures_cut_traces() -> None:
    """The recorded cases do reach the cut, with and without entries after it."""
    cut = [c for c in CASES if "stack trace truncated" in c["stderr"]]
    assert len(cut) >= 5
    assert any("… late" in c["stderr"] or "… level" in c["stderr"] for c in cut)
