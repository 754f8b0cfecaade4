"""Builtins of Nix 2.26 end to end, against outputs recorded from nix-instantiate 2.26.3.

Each ``fixtures/nix226/<theme>.json`` (made by ``record.py --nix226``) lists
Nix expressions with what ``nix226-instantiate --extra-experimental-features
flakes --eval --strict -E`` printed (its error message, and its ``trace:``
and warning lines), evaluated in that directory with the same feature on.
The recorded builtin and global names are compared as sets.
"""

from __future__ import annotations

import io
import json
import re
from pathlib import Path
from typing import Any

import pytest

from evaluator import api
from evaluator.builtins import table as registry
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from evaluator.vm.values import PrimOp

HERE = Path(__file__).resolve().parent / "fixtures" / "nix226"
# `flakes.json` needs a tree of flakes: see test_flakes.py.
THEMES = sorted(
    p.name[: -len(".json")]
    for p in HERE.glob("*.json")
    if ".in." not in p.name and p.name != "flakes.json"
)

CASES = [
    pytest.param(case, id=f"{theme}: {case['expr']}")
    for theme in THEMES
    for case in json.loads((HERE / f"{theme}.json").read_text())
]


def evaluate(expr: str, features: frozenset[str]) -> tuple[str, list[str]]:
    """What our evaluator prints for ``expr`` (or ``error: <message>``), and its stderr lines."""
    err = io.StringIO()
    ctx = EvalContext(stderr=err, experimental_features=features)
    ev = api.Evaluator(ctx)
    try:
        value = ev.eval_source(expr, base_dir=str(HERE), strict=True)
        out = str(ev.render(value, strict=True))
    except NixError as e:
        out = f"error: {e.message}"
    return out, err.getvalue().splitlines()


@pytest.mark.parametrize("case", CASES)
def test_case(case: dict[str, Any]) -> None:
    expected = case["out"].replace("@FIXTURES@", str(HERE))
    out, lines = evaluate(case["expr"], frozenset({"flakes"}))
    assert out == expected
    assert lines == case.get("trace", [])


def _recorded_names(file: str) -> set[str]:
    return set(re.findall(r'"([^"]+)"', (HERE / file).read_text()))


@pytest.mark.parametrize(
    ("features", "file"),
    [(frozenset(), "builtin_names.nix"), (frozenset({"flakes"}), "builtin_names_flakes.nix")],
)
def test_builtin_names_match_nix(features: frozenset[str], file: str) -> None:
    """`builtins.attrNames builtins` is exactly Nix 2.26.3's list (with and without flakes)."""
    out, _ = evaluate("builtins.attrNames builtins", features)
    assert out == (HERE / file).read_text().strip()


@pytest.mark.parametrize(
    ("features", "file"),
    [(frozenset(), "global_names.txt"), (frozenset({"flakes"}), "global_names_flakes.txt")],
)
def test_global_names_match_nix(features: frozenset[str], file: str) -> None:
    """The names visible without `builtins.` are Nix 2.26.3's (probed one by one)."""
    ctx = EvalContext(experimental_features=features)
    table = registry.builtins_for(ctx)
    visible = {name for name, key in registry.GLOBALS.items() if key in table}
    assert visible == set((HERE / file).read_text().split())


def test_gated_builtin_is_undefined_without_its_feature() -> None:
    out, _ = evaluate("fetchTree", frozenset())
    assert out == "error: undefined variable 'fetchTree'"
    out, _ = evaluate("builtins ? getFlake", frozenset())
    assert out == "false"


def test_compiler_knows_every_global() -> None:
    """Scope analysis resolves every 2.26 global (flake ones too) and nothing more."""
    from evaluator.compiler import analyse
    from evaluator.syntax import parse

    names = set((HERE / "global_names_flakes.txt").read_text().split())
    text = "[ " + " ".join(sorted(names)) + " __noSuchBuiltin ]"
    found = analyse(parse(text.encode())).diagnostics
    undefined = [d.message for d in found if d.code == "undefined-variable"]
    assert undefined == ["undefined variable '__noSuchBuiltin'"]


def test_every_builtin_documents_its_call_shape() -> None:
    """Hover and completion show each builtin function's signature and description."""
    table = registry.all_builtins()
    for name in _recorded_names("builtin_names_flakes.nix"):
        value = table[name]
        if isinstance(value, PrimOp):
            assert re.match(rf"`{re.escape(name)}[ `][^`]*`:", value.doc), name
