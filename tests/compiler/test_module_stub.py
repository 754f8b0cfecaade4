"""`code_share.module_stub`: the module code defining a unit's functions,
written as bytecode instead of compiling `def _cs_<i>(): pass` n times, must
be what CPython compiles (codegen21)."""

from __future__ import annotations

import sys
from types import CodeType

import pytest

from evaluator.compiler import code_share

# The bytecode is written for 3.11's layout (the interpreter CI runs and the
# numbers were measured on); elsewhere module_stub declines and the stub is
# compiled, which the fallback test checks.
WRITES_BYTECODE = sys.version_info[:2] == (3, 11)
only_311 = pytest.mark.skipif(not WRITES_BYTECODE, reason="stub bytecode is 3.11's")


def _compiled(n: int) -> CodeType:
    return compile("".join(f"def _cs_{i}(): pass\n" for i in range(n)), "<functions>", "exec")


@only_311
@pytest.mark.parametrize("n", [0, 1, 2, 3, 255, 256, 257, 1646, 65_536, 70_000])
def test_stub_is_what_cpython_compiles(n: int) -> None:
    stub = code_share.module_stub(n)
    assert stub is not None
    expected = _compiled(n)
    assert stub.co_code == expected.co_code
    assert stub.co_names == expected.co_names
    assert len(stub.co_consts) == len(expected.co_consts) == n + 1
    assert list(stub.co_lines())  # a well-formed line table


@only_311
def test_module_code_defines_the_functions_in_order(monkeypatch: pytest.MonkeyPatch) -> None:
    functions = [compile(f"def f{i}(): return {i}", "x", "exec").co_consts[0] for i in range(300)]
    code_share._modules.clear()

    def no_compile(*args: object) -> None:
        raise AssertionError("the stub was compiled")

    monkeypatch.setattr(code_share, "compile", no_compile, raising=False)
    module = code_share.module_code(functions, "<f>")
    namespace: dict[str, object] = {}
    exec(module, namespace)
    assert [namespace[f"f{i}"]() for i in (0, 255, 256, 299)] == [0, 255, 256, 299]  # type: ignore[operator]
    assert [c for c in module.co_consts if type(c) is CodeType] == functions


def test_elsewhere_the_stub_is_declined_and_compiled() -> None:
    """On an interpreter whose bytecode differs, module_code still defines
    every function (by compiling the stub)."""
    if WRITES_BYTECODE:
        assert code_share.module_stub(3) is not None
        return
    assert code_share.module_stub(3) is None
    functions = [compile(f"def f{i}(): return {i}", "x", "exec").co_consts[0] for i in range(5)]
    code_share._modules.clear()
    namespace: dict[str, object] = {}
    exec(code_share.module_code(functions, "<f>"), namespace)
    assert [namespace[f"f{i}"]() for i in range(5)] == list(range(5))  # type: ignore[operator]
