"""Shallow printing of derivations and big sets (no server)."""

from __future__ import annotations

from typing import Any

from evaluator.api import Evaluator
from evaluator.vm.context import EvalContext
from evaluator.vm.loop import Budget
from nixls.ide import valueprint


def _show(source: str, budget: Budget | None = None) -> str:
    ev = Evaluator(EvalContext(), budget=budget)
    value = ev.eval_value(ev.source_thunk(source, base_dir="/"))
    return valueprint.shallow(value, ev.force)


def test_big_set_shows_names_and_size_without_forcing() -> None:
    names = [f"a{i:02}" for i in range(40)]
    body = " ".join(f'{n} = throw "forced {n}";' for n in names)
    shown = _show("{ " + body + " }")
    assert shown.startswith("«40 attributes» { a00 = …; a01 = …;")
    assert "forced" not in shown
    assert "a23 = …; … }" in shown and "a24" not in shown


def test_small_set_is_printed_with_values_one_level() -> None:
    assert _show("{ a = 1; b = [ 2 ]; }") == "{ a = 1; b = «list of 1»; }"


def test_nested_derivation_is_summarised() -> None:
    drv = 'derivation { name = "x"; system = "s"; builder = "/b"; }'
    assert _show(f"{{ d = {drv}; }}") == "{ d = «derivation»; }"


def test_derivation_whose_drv_path_fails_still_shows_its_name() -> None:
    source = (
        '(derivation { name = "x-1"; system = "s"; builder = "/b"; })'
        ' // { drvPath = throw "too costly"; meta.description = "An x."; }'
    )
    shown = _show(source)
    assert shown.splitlines() == [
        "«derivation»",
        'name = "x-1";',
        'meta.description = "An x.";',
        "drvPath = «error: too costly»;",
    ]


def test_derivation_with_its_drv_path() -> None:
    source = 'derivation { name = "x-1"; system = "s"; builder = "/b"; }'
    ev = Evaluator(EvalContext())
    drv_path: Any = ev.eval_value(ev.source_thunk(f"({source}).drvPath", base_dir="/"))
    assert _show(source).splitlines() == [f"«derivation {drv_path}»", 'name = "x-1";']
