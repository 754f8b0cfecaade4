"""Whole-file forcing stops at the derivations inside a value, not at the value itself."""

from __future__ import annotations

import pytest

from evaluator.api import Evaluator
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from nixls.ide.project.forcing import force_except_closures


def force(text: str) -> None:
    ev = Evaluator(EvalContext())
    ev.run(force_except_closures(ev.source_thunk(text, base_dir="/")))


def test_inner_derivations_are_not_forced_through() -> None:
    force(
        '{ a = 1; dep = { type = "derivation"; x = throw "not mine"; };'
        ' l = [ { type = "derivation"; y = throw "nor this"; } ]; }'
    )


@pytest.mark.parametrize(
    "text",
    [
        '{ type = "derivation"; z = throw "mine"; }',
        '{ nested = { w = throw "mine"; }; }',
        '[ 1 { v = [ (throw "mine") ]; } ]',
        '{ dep = { type = throw "mine"; }; }',
    ],
)
def test_the_value_itself_is_forced_deeply(text: str) -> None:
    with pytest.raises(NixError, match="mine"):
        force(text)


def test_cycles_end() -> None:
    force("let s = { inherit s; a = [ s ]; }; in s")
