"""lex23's shortcuts in `captures` give what the long ways gave:

- the set literals that may hold definitions written outside them are the
  ones the merger walked into (`Resolved.entered`): `_grafts` looks at
  those only, and finds what the walk over every set found;
- `Captures.free_vars` decides each reference once per call, and finds the
  names, in the order, that deciding each variable found.
"""

from __future__ import annotations

from bisect import bisect_left
from pathlib import Path

import pytest

from evaluator.compiler.analysis import analyse_to_compile
from evaluator.compiler.captures import Captures, _covered, _grafts
from evaluator.compiler.model import LocalRef, WithRef
from evaluator.syntax import nodes, parse
from tests.compiler.test_front22 import _captures

DATA = Path(__file__).resolve().parents[1] / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
CONFORMANCE = DATA / "conformance"

GRAFTED = [
    "{ a = { b = 1; }; a.c = 2; }",
    "{ x = { a.b = 1; }; x.a.c = 2; }",
    "{ a = { b = { x = 1; }; }; a = { b = { y = 2; }; }; }",
    "let p = rec { f = { g = 1; }; }; p.f.h = q; q = 2; in p",
    "{ a = ({ b = 1; }); a.c.d = 3; a.c = { e = 4; }; }",
    "x: { a = { inherit x; }; a.y = x; a.${x} = 1; }",
]
# Literals absorbed into a set made by a path, and none merged at all.
NOT_GRAFTED = ["{ a.b = 1; a = { c = 2; }; }", "{ a = { b = 1; }; c.d = { e = 2; }; }"]


def _analysed(text: bytes) -> tuple[nodes.Node, object]:
    result = parse(text)
    assert not result.errors
    resolved = analyse_to_compile(result, "<test>", False).resolved
    return result.root, resolved


def _grafts_both(text: bytes) -> tuple[object, object]:
    _, resolved = _analysed(text)
    entered = resolved.entered  # type: ignore[attr-defined]
    assert entered is not None
    quick = _grafts(resolved)  # type: ignore[arg-type]
    resolved.entered = None  # type: ignore[attr-defined]
    return quick, _grafts(resolved)  # type: ignore[arg-type]


@pytest.mark.parametrize("expr", GRAFTED)
def test_grafts_of_entered_literals_equal_the_walk(expr: str) -> None:
    quick, walked = _grafts_both(expr.encode())
    assert walked[1]  # type: ignore[index]  # these cases do graft
    assert quick == walked


@pytest.mark.parametrize("expr", NOT_GRAFTED)
def test_no_grafts_without_entered_literals(expr: str) -> None:
    quick, walked = _grafts_both(expr.encode())
    assert quick == walked == ([], [])


def test_grafts_on_files_equal_the_walk() -> None:
    grafted = 0
    paths = [*LIB.rglob("*.nix"), *CONFORMANCE.rglob("*.nix")]
    for path in sorted(paths):
        if "parse-fail" in path.name or parse(path.read_bytes()).errors:
            continue
        quick, walked = _grafts_both(path.read_bytes())
        assert quick == walked, path
        grafted += bool(walked[1])  # type: ignore[index]
    assert grafted >= 3


def _free_vars_by_variable(captures: Captures, node: nodes.Node) -> list[str]:
    """`free_vars` as it was written before (each variable decided alone)."""
    region = sorted(captures.region(node))
    out: dict[str, None] = {}
    for lo, hi in region:
        a = bisect_left(captures.var_starts, lo)
        b = bisect_left(captures.var_starts, hi)
        for var in captures.vars[a:b]:
            res = var.resolution
            if isinstance(res, LocalRef):
                scope_node = res.binding.scope.node
                if scope_node is None or not _covered((scope_node.start, scope_node.end), region):
                    out[captures.binding_name(res)] = None
            elif isinstance(res, WithRef):
                for w in res.withs:
                    if w.node is None or not _covered((w.node.start, w.node.end), region):
                        out[captures.with_name(w.node)] = None  # type: ignore[arg-type]
    return list(out)


@pytest.mark.parametrize("name", ["modules.nix", "lists.nix", "types.nix", "strings.nix"])
def test_free_vars_equal_deciding_each_variable(name: str) -> None:
    captures, root = _captures(LIB / name)
    stack: list[nodes.Node] = [root]
    checked = captured = 0
    while stack:
        node = stack.pop()
        stack.extend(node.children())
        if type(node) in (nodes.Lambda, nodes.AttrSet, nodes.Let, nodes.Apply, nodes.With):
            found = captures.free_vars(node)
            assert found == _free_vars_by_variable(captures, node)
            checked += 1
            captured += bool(found)
    assert checked > 100 and captured > 50
