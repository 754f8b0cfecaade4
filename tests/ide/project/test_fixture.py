"""The nixpkgs-shaped fixture evaluates in nixls as in C++ Nix 2.26.3.

The answers of Nix were recorded in ``oracle.json`` (see the fixture's README);
here nixls evaluates the same expressions, in the same directory.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.api import CompileCache, Evaluator
from evaluator.vm.context import EvalContext

FIXTURE = Path(__file__).resolve().parents[2] / "data" / "nixpkgs-fixture"
CASES = json.loads((FIXTURE / "oracle.json").read_text())["cases"]
_CACHE = CompileCache()


def test_lib_is_the_real_lib_not_a_copy() -> None:
    lib = FIXTURE / "lib"
    assert lib.is_symlink()
    assert (lib / "lists.nix").is_file()
    assert lib.resolve() == (FIXTURE.parent / "corpus" / "nixpkgs-lib-26.11" / "lib").resolve()


@pytest.mark.parametrize("case", CASES, ids=[c["expr"][:50] for c in CASES])
def test_fixture_evaluates_as_nix_does(case: dict[str, str]) -> None:
    ev = Evaluator(EvalContext(), compile_cache=_CACHE)
    value = ev.eval_source(case["expr"], base_dir=str(FIXTURE), strict=True)
    assert ev.render(value) == case["nix"]
