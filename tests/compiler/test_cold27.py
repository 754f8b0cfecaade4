"""cold27's cold front end:

- a unit's line spans are made as columns (`codegen_base.LineSpans`: line
  numbers, starts and ends by C-level maps), read as the dict of spans by
  line the loop per line made, and stored by the disk cache as the columns
  the generic path writes for that dict (the cache format is unchanged);
"""

from __future__ import annotations

import marshal
from typing import Any

import pytest

from evaluator.cache import codec
from evaluator.compiler import codegen
from evaluator.compiler.codegen_base import LineSpans
from evaluator.front_end import compile_source
from evaluator.vm.frames import SourceText
from tests.vm.nix_oracle import nixls

_TEXT = b"""let
  f = { a, b ? 2 }: a + b;
  big = {
    x = f { a = 1; };
    y = builtins.map (n: n * 2) [ 1 2 3 ];
    z = if f { a = 0; } > 1 then "yes" else throw "no";
    w = builtins.concatStringsSep "," [
      "longer than the bytes a thunk is compiled at once under (codegen.DEFER_BYTES):"
      "a unit of its own, generated when first forced, its line spans made apart"
      (f { a = 3; b = 4; })
      (builtins.map (n: n + 1) [ 1 2 3 ])
      "padding padding padding padding padding padding padding padding padding"
      "padding padding padding padding padding padding padding padding padding"
    ];
  };
in big
"""


def _reference(render: Any) -> tuple[list[dict[int, tuple[Any, int, int]]], Any]:
    """Render wrapped: each unit's line spans as the loop per line made them."""
    expected: list[dict[int, tuple[Any, int, int]]] = []

    def wrapped(self: codegen.Compiler, root: str, fns: list[Any], *args: Any) -> Any:
        table: dict[int, tuple[Any, int, int]] = {}
        line = 0
        for fn in fns:
            start = line + 1
            table[start] = (self.source, fn.node.start, fn.node.end)
            for i, node in zip(fn.span_lines, fn.span_nodes, strict=True):
                table[start + 1 + i] = (self.source, node.start, node.end)
            body = "\n".join(fn.lines)
            line += len(fn.lines) + (3 if "yield" in body else 2)
        expected.append(table)
        return render(self, root, fns, *args)

    return expected, wrapped


def test_line_spans_are_the_table_the_loop_made(monkeypatch: pytest.MonkeyPatch) -> None:
    expected, wrapped = _reference(codegen.Compiler.render)
    monkeypatch.setattr(codegen.Compiler, "render", wrapped)
    compiled = compile_source(_TEXT, "/x/default.nix", "/x")
    units = [compiled.main]
    todo = list(compiled.main.deferred)
    while todo:  # every deferred unit generated too
        unit = compiled.unit(todo.pop())
        units.append(unit)
        todo += unit.deferred
    assert len(units) > 1 and len(units) == len(expected)
    for unit, table in zip(units, expected, strict=True):
        spans = unit.line_spans
        assert type(spans) is LineSpans
        assert dict(spans) == table and list(spans) == list(table)
        assert all(s[0] is compiled.source for s in spans.values())
        line = next(iter(table))
        assert spans[line] == spans.get(line) == table[line] and line in spans
        assert spans.get(10**6) is None and 10**6 not in spans


def test_the_cache_stores_the_columns_the_generic_path_writes() -> None:
    source = SourceText("/x/default.nix", b"abcdefghij")
    spans = LineSpans(source, [1, 2, 5], [0, 2, 4], [9, 3, 8])
    table = dict(spans)
    generic = marshal.dumps((list(table), *codec._columns(table.values(), source)))
    # The same data (the bytes may differ in marshal's reference flags only).
    assert marshal.loads(marshal.dumps(spans.columns)) == marshal.loads(generic)
    numbers, starts, ends = marshal.loads(generic)
    assert dict(zip(numbers, zip([source] * 3, starts, ends, strict=True), strict=True)) == table


@pytest.mark.parametrize(
    ("expr", "expected"),
    [
        ("let s = { a = 1; b = x: x.c; }; in s.b { }", "error: attribute 'c' missing"),
        ("let f = { a }: a; in [ (f { }) ]", "function 'f' called without required argument 'a'"),
    ],
)
def test_errors_point_where_they_did(expr: str, expected: str) -> None:
    # The positions of errors come from the line spans: the first lines of
    # the message, its position included, are Nix's (as before).
    status, _, err = nixls(expr, ["--strict"])
    assert status == 1 and expected in err and "«string»:1:" in err
