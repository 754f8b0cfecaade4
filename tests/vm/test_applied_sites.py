"""Trace entries Nix 2.26 adds where it forces values itself, checked against
nix-instantiate 2.26.3 (``fixtures/applied_sites.json``, recorded by
``record_applied_sites.py``, plain and ``--show-trace``):

- a selection from a non-set: "while selecting an attribute" at the selection
  (Nix's forceAttrs), the error itself without a position;
- `length`'s argument entry on a type error only, not on an error raised while
  forcing the argument (forceList);
- a lazily applied function: a `map`/`genList` element forced by `--strict`
  printing is called from the lambda itself (`Value::determinePos` of an
  application), one a builtin hands back (`head`) has no call site and sits
  inside the builtin's entry, and a `mapAttrs` value's lambda inside the
  attribute's entry;
- `--strict` printing and `deepSeq` (Nix's forceValueDeep): depth first, and
  an error anywhere in an attribute's value under that attribute's entry.
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

CASES: list[dict[str, Any]] = load_cases(__file__, "applied_sites.json")

# Only with --show-trace. Nix gives a `mapAttrs` value's call the outer lambda's
# position once the function has been forced (and none before); nixls cannot
# tell such a value from a `map` element once it is in a list.
_MAP_ATTRS = (
    'builtins.attrValues (builtins.mapAttrs (n: v: throw "x") { a = 1; })',
    'builtins.mapAttrs (n: v: n + v) { a = "x"; b = 1; }',
)


# Plain too: Nix adds "while evaluating the attribute 'a.b'" for the path of a
# selection whose attribute `a` was found (the difference of 18 other outputs).
_PATHS = ("let s = { a = 1; }; in s.a.b", '{ a = "s"; }.a.b.c')


def _reason(case: dict[str, Any]) -> str | None:
    if case["expr"] in _PATHS:
        return "Nix names the entry of a selection path by the whole path"
    if case["flags"] and case["expr"] in _MAP_ATTRS:
        return "Nix's call site of a `mapAttrs` value is the outer lambda once it is forced"
    return None


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_reason(c))) for c in CASES])
def test_as_cpp_nix(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir("/")
    assert strict_output(case) == recorded(case)


def test_the_fixtures_hold_each_kind_of_entry() -> None:
    """The recorded outputs do contain the entries these cases are about."""
    traces = [c["stderr"] for c in CASES if "--show-trace" in c["flags"]]
    assert sum("while selecting an attribute" in t for t in traces) >= 5
    assert sum("from call site" in t for t in traces) >= 5
    assert any("while calling the 'head' builtin" in t for t in traces)
