"""Every builtin applied to arguments of every type fails cleanly, never with a Python error.

A wrong argument must give a Nix error (type error, missing attribute...),
not an "internal error" (a Python exception turned into a Nix error by
the loop): those would be bugs.
"""

from __future__ import annotations

import io
import itertools
from typing import Any

import pytest

from evaluator.builtins.table import all_builtins
from evaluator.vm.context import EvalContext, use_context
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Call, Frame, NixList, NixPath, PrimOp
from tests.builtins.driver import pyfun, run

# Builtins with effects outside the evaluation, or owned by other modules.
SKIP = {"import", "scopedImport", "derivation", "derivationStrict", "toFile", "path"}


def _samples() -> list[Any]:
    return [
        1,
        -1,
        2.5,
        "s",
        "",
        None,
        True,
        NixList(),
        NixList([1, "a"]),
        Attrs(),
        Attrs(a=1, key=1, name="n", value=2),
        pyfun(lambda x: x),
        NixPath("/nonexistent-nixls-test-path"),
    ]


def _apply(fn: Any, args: tuple[Any, ...]) -> Frame:
    for a in args:
        fn = yield Call(fn, a)
    return fn


def _names() -> list[str]:
    table = all_builtins()
    return sorted(name for name, v in table.items() if type(v) is PrimOp and name not in SKIP)


@pytest.mark.parametrize("name", _names())
def test_builtin_with_any_arguments(name: str) -> None:
    op = all_builtins()[name]
    samples = _samples()
    combos = itertools.product(samples, repeat=op.arity)
    ctx = EvalContext(stderr=io.StringIO(), allowed_roots=["/nonexistent-nixls-test-root"])
    internal: list[str] = []
    with use_context(ctx):
        for args in combos:
            try:
                run(_apply(op, args))
            except NixError as e:
                if e.message.startswith("internal error"):
                    internal.append(f"{name} {args!r}: {e.message}")
    assert not internal, internal[:5]
