"""Deferred thunks capture what they will read, merged paths included.

A thunk bigger than :data:`codegen.DEFER_BYTES` is compiled when first
forced; its captures are computed beforehand from the tree
(:mod:`evaluator.compiler.captures`). They are checked here against what
compiling the same subtree at once captures, and evaluation with every thunk
deferred against evaluation with none, over random programs whose set
literals receive definitions written elsewhere (``p.f = { … }; p.f.x = b;``).
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import pytest

from evaluator.api import Evaluator
from evaluator.compiler import analyse, codegen
from evaluator.compiler.codegen import Compiler
from evaluator.compiler.codegen_base import _Fn
from evaluator.syntax import nodes, parse
from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText
from tests.compiler.merged_programs import program

NOT_DEFERRED = (nodes.AttrDef, nodes.StaticKey)
PROGRAMS = [program(random.Random(seed)) for seed in range(150)]


@pytest.fixture
def defer(monkeypatch: pytest.MonkeyPatch) -> Iterator[object]:
    """Sets the deferral threshold for the next compilations."""

    def set_threshold(n: int) -> None:
        # Each Evaluator compiles afresh (its own compile cache).
        monkeypatch.setattr(codegen, "DEFER_BYTES", n)

    yield set_threshold


def _outcome(text: str) -> str:
    ev = Evaluator()
    try:
        return ev.render(ev.eval_source(text, strict=True), strict=True)
    except NixError as err:
        return f"error: {err.message}"


def test_a_path_merged_into_a_deferred_literal_is_captured() -> None:
    big = '"' + "x" * 420 + '"'
    text = f"let a = 1; b = 2; in {{ p.f = {{ enable = a; s = {big}; }}; p.f.plugins = b; }}"
    assert len(big) > codegen.DEFER_BYTES
    assert Evaluator().eval_source(text + ".p.f.plugins") == 2
    assert Evaluator().eval_source(text + ".p.f.enable") == 1
    # The same, the literal written after the path (absorbed into its set).
    text = f"let a = 1; b = 2; in {{ p.f.plugins = b; p.f = {{ enable = a; s = {big}; }}; }}"
    assert Evaluator().eval_source(text + ".p.f.plugins") == 2


def _compiled(data: bytes) -> tuple[Compiler, list[_Fn]]:
    """A compiler that compiled ``data``, and every function it made (it lets
    go of them once they are rendered)."""
    analysis = analyse(parse(data), None)
    compiler = Compiler(analysis.resolved, SourceText(None, data), "/")
    created: list[_Fn] = []
    new_fn = compiler.new_fn

    def recording(*args: Any) -> _Fn:
        created.append(new_fn(*args))
        return created[-1]

    compiler.new_fn = recording  # type: ignore[method-assign,assignment]
    compiler.compile_root(analysis.tree)
    return compiler, created


def test_tree_captures_cover_what_compiling_captures(defer: object) -> None:
    defer(10**9)  # type: ignore[operator]
    checked = 0
    for text in PROGRAMS:
        data = text.encode()
        compiler, created = _compiled(data)
        for fn in created:
            # Thunks of expressions (those of nested sets and `inherit (e)`
            # names are never deferred).
            if fn.name.startswith("th") and not isinstance(fn.node, NOT_DEFERRED):
                missing = set(fn.captures) - set(compiler.free_vars(fn.node))
                assert not missing, (text, fn.name, missing)
                checked += 1
    assert checked > 1000


def test_deferring_every_thunk_changes_no_outcome(defer: object) -> None:
    outcomes = {}
    for threshold in (10**9, 0, 400):
        defer(threshold)  # type: ignore[operator]
        outcomes[threshold] = [_outcome(text) for text in PROGRAMS]
    assert outcomes[0] == outcomes[10**9]
    assert outcomes[400] == outcomes[10**9]
    evaluated = [o for o in outcomes[0] if not o.startswith("error: ")]
    assert len(evaluated) > 0.8 * len(PROGRAMS)
