"""Integer literals in shared shapes (`code_share._integers`): generated
functions that differ only in their integers share one compiled template, and
every copy is the code `compile()` makes from its own text."""

from __future__ import annotations

from pathlib import Path
from types import CodeType

import pytest

from evaluator.api import Evaluator
from evaluator.compiler import code_share
from evaluator.compiler.codegen_base import NAME_MARK
from tests.compiler.test_code_share import _compile_all, _signature

# A module-like file: option defaults, priorities and orders as integers, in
# calls, lists, sets, comparisons and arithmetic (the shapes of modules-300).
_MODULE = """{{ lib, config, ... }}:
let
  f = a: b: a + b;
  cfg = config.svc;
in {{
  port = f {port} {prio};
  order = lib.mkOrder {order} [ "x" ];
  list = [ {port} {order} 2 ];
  set = {{ a = {port}; b = {{ c = {prio}; }}; }};
  same = x: x == {port};
  ar = cfg.g {port} {prio};
  bumped = cfg.n + {order};
  folded = 1 + 2 + {port};
  pair = x: if x > {prio} then {port} else {order};
}}
"""


def _write(tmp: Path, values: list[tuple[int, int, int]]) -> list[Path]:
    paths = []
    for i, (port, prio, order) in enumerate(values):
        path = tmp / f"m{i}.nix"
        path.write_text(_MODULE.format(port=port, prio=prio, order=order))
        paths.append(path)
    return paths


def test_files_differing_in_integers_share_and_get_the_code_compile_makes(tmp_path: Path) -> None:
    values = [(1000 + i, 900 - i, 5 * i + 7) for i in range(6)]
    # Collisions with other constants: 1 and 2 and 3 (written by the
    # generator, a list item, folded `1 + 2`), 4096 (a string length bound).
    values += [(2, 3, 1), (4096, 2, 3), (3, 1, 2)]
    units, shared = _compile_all(_write(tmp_path, values))
    assert units >= len(values)
    assert shared > 10, shared


def test_shapes_keep_integers_folded_or_truth_tested() -> None:
    marked = (
        "def th\x001\x00(v\x002\x00):\n"
        "    t\x003\x00 = v\x002\x00 + 0X5\n"  # arithmetic: left in the shape
        "    t\x004\x00 = -0X6\n"  # folded by CPython
        "    t\x005\x00 = f(0X7, 0X5, (0X8, 0X9,))\n"  # 5 is kept: it is also an operand
        "    if 0XA: return 0XB\n"  # a truth test, then a shared return value
        "    return t\x005\x00 == 0XC\n"
    )
    shape = code_share._normalise(marked)
    assert shape is not None
    text, _, values, n_ints = shape
    assert values == [7, 8, 9, 12] and n_ints == 4
    assert "+ 0X5" in text and "-0X6" in text and "(0X7" not in text and "0XA" in text
    assert "0XB" in text  # after `return `: not a context that is shared


def test_a_copy_whose_integer_is_another_constant_is_compiled_alone() -> None:
    code_share._templates.clear()
    texts = [
        f"def th\x00{i + 10}\x00(v\x001\x00):\n"
        f"    if v\x001\x00 == 2: return g(0X{n:X})\n"
        f"    return h(0X{n:X}, 0X{n + 1:X})\n"
        for i, n in enumerate([10, 20, 2, 1, 30])
    ]
    before = dict(code_share.stats)
    for i, marked in enumerate(texts):
        code = code_share.function_code(marked, "<f>", 1)
        module = compile(marked.replace(NAME_MARK, ""), "<f>", "exec")
        (expected,) = [c for c in module.co_consts if type(c) is CodeType]
        assert _signature_of(code) == _signature_of(expected), i
    # 10 compiled, 20 makes the template, 2 and 1 collide with `2`, 30 shared.
    assert code_share.stats["shared"] - before["shared"] == 2
    assert code_share.stats["compiled"] - before["compiled"] == 3


def _signature_of(code: CodeType) -> object:
    module = code_share.module_code([code], "<f>")
    return _signature(module)[1]


@pytest.mark.parametrize("n", [1, 2, 3, 7, 255, 4096, 9223372036854775807])
def test_integers_evaluate_as_written(n: int) -> None:
    # Two lambdas of one shape but for their integers, called in turn:
    # each value is its own literal's, whatever the template holds.
    source = (
        f"let f = k: [ (k == {n}) (k + 0) {n} {{ a = {n}; }} ];"
        " g = k: [ (k == 7) (k + 0) 7 { a = 7; } ];"
        f" in [ (f {n}) (g 7) (f 0) (g 0) ]"
    )
    ev = Evaluator()
    got = ev.render(ev.eval_source(source), strict=True)
    same = "true" if n == 0 else "false"
    assert got == (
        f"[ [ true {n} {n} {{ a = {n}; }} ] [ true 7 7 {{ a = 7; }} ]"
        f" [ {same} 0 {n} {{ a = {n}; }} ] [ false 0 7 {{ a = 7; }} ] ]"
    )


def test_an_integer_beside_true_or_a_float_of_its_value_is_shared() -> None:
    # CPython keeps `1` and `True` (and `2` and `2.0`) as two constants: no
    # collision, the copy is shared.
    code_share._templates.clear()
    texts = [
        f"def th\x00{i + 10}\x00(v\x001\x00):\n"
        f"    return h(v\x001\x00, True, 2.0, 0X{n:X}, 0X{n + 1:X})\n"
        for i, n in enumerate([5, 6, 1, 2, 7])
    ]
    before = dict(code_share.stats)
    for i, marked in enumerate(texts):
        code = code_share.function_code(marked, "<f>", 1)
        module = compile(marked.replace(NAME_MARK, ""), "<f>", "exec")
        (expected,) = [c for c in module.co_consts if type(c) is CodeType]
        assert _signature_of(code) == _signature_of(expected), i
    assert code_share.stats["shared"] - before["shared"] == 4
