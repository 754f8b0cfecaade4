"""Code generation: Python limits, deferred compilation, spans."""

from __future__ import annotations

import pytest

from evaluator import api
from evaluator.api import Evaluator
from evaluator.compiler import codegen
from evaluator.compiler.codegen_base import ENTRY_DEFER_BYTES, LARGE_SET_BYTES
from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText


def test_unused_big_thunks_are_never_generated() -> None:
    pad = " ".join(f"unusedAttr{i} = {i};" for i in range(80))
    text = f"let unused = {{ {pad} }}; used = {{ a = 1; }}; in used.a"
    assert len(pad) > codegen.DEFER_BYTES
    compiled = api.compile_source(text.encode(), None, "/")
    ev = Evaluator()
    assert ev.eval_source(text) == 1
    assert "unusedAttr79" not in compiled.python


def test_small_attributes_of_a_large_set_are_generated_when_first_forced() -> None:
    # A package set: many attributes, each below DEFER_BYTES but above
    # ENTRY_DEFER_BYTES, in a set above LARGE_SET_BYTES.
    def package(i: int) -> str:
        return (
            f'{{ name = "pkg{i}"; deps = [ self.pkg{i // 2} ];'
            f' description = "package {i} of a generated set,'
            f' long enough to be deferred on its own"; }}'
        )

    body = " ".join(f"pkg{i} = {package(i)};" for i in range(400))
    text = f"let self = {{ {body} }}; in self.pkg300.name + self.pkg150.name"
    assert len(text) > LARGE_SET_BYTES
    assert ENTRY_DEFER_BYTES < len(package(7)) < codegen.DEFER_BYTES
    ev = Evaluator()
    assert ev.eval_source(text, base_dir="/") == "pkg300pkg150"
    compiled = ev.compile_cache.compile(text.encode(), None, "/")  # the one evaluated
    # Only the attributes forced were generated (each one a unit of its own).
    assert "package 300 of" in compiled.python
    assert "package 299 of" not in compiled.python
    # Every attribute, each generated when first forced.
    names = "map (p: p.name) (builtins.attrValues self)"
    every = f'let self = {{ {body} }}; in builtins.concatStringsSep "," ({names})'
    assert ev.eval_source(every) == ",".join(f"pkg{i}" for i in sorted(range(400), key=str))


def test_deep_nesting_stays_within_python_limits() -> None:
    ev = Evaluator()
    # Nested conditions in non-tail position (Python allows 100 indentation levels).
    depth = 300
    cond = "0"
    for i in range(depth):
        cond = f"(if true then {cond} else {i}) + 1"
    assert ev.eval_source(cond) == depth
    # 500 nested lambdas and lets.
    lam = "".join(f"x{i}: " for i in range(500)) + "x0"
    app = f"({lam})" + " 7" + " 0" * 499
    assert ev.eval_source(app) == 7
    lets = "".join(f"let y{i} = {i}; in " for i in range(500)) + "y0 + y499"
    assert ev.eval_source(lets) == 499


def test_errors_point_at_the_failing_expression() -> None:
    text = 'let\n  f = x: x + "a";\nin\n  f 1\n'
    ev = Evaluator()
    with pytest.raises(NixError) as info:
        ev.eval_source(text, path="/virtual/t.nix")
    err = info.value
    assert err.message == "cannot add a string to an integer"
    assert err.span is not None
    source, start, _ = err.span
    assert isinstance(source, SourceText)
    assert source.line_col(start)[0] == 2
