"""The attribute-set representation and the hot list/set builtins against C++ Nix 2.26.3.

Positions through `//` (a side's table shared, both merged lazily), sets
built without a Python ``__init__``, and the builtins that apply a lambda
without a round trip through the loop when its body is given at once
(`foldl'`, `mapAttrs`, `zipAttrsWith`, `sort`, `filter`, ...): values,
and error messages as ``nix-instantiate`` printed them
(``fixtures/attrs_repr.json``, written by ``record_attrs_repr.py``).
"""

from __future__ import annotations

import gc
import io
import json
from pathlib import Path
from typing import Any

import pytest

from evaluator.vm.runtime import update
from evaluator.vm.values import Attrs, MergedPositions
from nixls.cli import eval_cmd

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "attrs_repr.json").read_text()
)


@pytest.mark.parametrize("case", CASES, ids=[c["expr"][:60] for c in CASES])
def test_matches_nix(case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    (tmp_path / "case.nix").write_text(case["expr"] + "\n")
    monkeypatch.chdir(tmp_path)
    out = io.BytesIO()
    err = io.StringIO()
    env = {"PATH": "/usr/bin:/bin", "HOME": "/homeless"}
    status = eval_cmd.main(["--eval", "--strict", "case.nix"], out, err, env)
    assert (status == 0) == (case["status"] == 0), err.getvalue()
    assert out.getvalue().decode().replace(str(tmp_path), "<dir>") == case["stdout"]
    # The message; traces are compared by the conformance suites (a few of
    # these differ in their trace lines at main already: lang12's area).
    assert _message(err.getvalue().replace(str(tmp_path), "<dir>")) == _message(case["stderr"])


def _message(stderr: str) -> str:
    """The last `error: ...` line (Nix 2.26 prints the trace first)."""
    found = [line.strip() for line in stderr.splitlines() if line.strip().startswith("error: ")]
    return found[-1] if found else ""


def test_positions_default_to_none() -> None:
    s = Attrs({"a": 1})
    assert s.positions is None
    assert getattr(s, "positions", 0) is None
    with pytest.raises(AttributeError):
        _ = s.other  # type: ignore[attr-defined]


def test_update_shares_one_sides_table() -> None:
    a = Attrs({"x": 1})
    a.positions = {"x": ("f", 1, 1)}
    b = Attrs({"y": 2})
    assert update(a, b).positions is a.positions
    assert update(b, a).positions is a.positions
    both = Attrs({"x": 3})
    both.positions = {"x": ("f", 2, 2)}
    merged = update(a, both).positions
    assert type(merged) is MergedPositions
    assert dict(merged) == {"x": ("f", 2, 2)}
    # A name `b` sets without a position loses `a`'s (as in Nix).
    assert "x" not in (update(a, Attrs({"x": 0})).positions or {})


def test_update_with_a_literal_keeps_no_reference_to_it() -> None:
    # `a // { ... }` where the literal's table places all its names: the merge
    # needs no names to hide, and must not keep the literal (its thunks and
    # their closures) alive as long as the result (lib22 kept `b` itself:
    # +24 MB peak on home-manager's option tree).
    a = Attrs({"x": 1})
    a.positions = {"x": ("f", 1, 1)}
    b = Attrs({"x": 2, "y": 3})
    b.positions = {"x": ("f", 2, 1), "y": ("f", 2, 8)}
    merged = update(a, b).positions
    assert type(merged) is MergedPositions
    # Before any read (reading merges the parts and lets them go).
    held = [p for part in gc.get_referents(merged) for p in (part, *gc.get_referents(part))]
    assert not any(p is b or (type(p) is type(b.keys()) and b.keys() == p) for p in held)
    assert dict(merged) == {"x": ("f", 2, 1), "y": ("f", 2, 8)}


def test_merged_positions_deep_fold_without_recursion() -> None:
    # A fold of 100,000 `//` (the same name each time, so the sets stay
    # small; each table also places a name of its own): merged on first
    # read, later tables winning, without Python recursion.
    acc = Attrs({"base": 0})
    acc.positions = {"base": ("f", 0, 0), "k": ("f", -1, -1)}
    for i in range(100_000):
        step = Attrs({"k": i})
        step.positions = {f"k{i}": ("f", i, 1), "k": ("f", i, 2)}
        acc = update(acc, step)
    pos = acc.positions
    assert pos is not None and bool(pos)
    assert pos["base"] == ("f", 0, 0)
    assert pos["k"] == ("f", 99_999, 2)
    assert pos.get("k500") == ("f", 500, 1)
    assert "missing" not in pos
    assert len(pos) == 100_002
