"""Nodes the tree builder makes without calling their class have every field.

The most frequent nodes are built with `object.__new__` and attribute stores
(an `__init__` call costs a third of a reduction): a field left out
would only show when something reads it. Every node of real files is checked
here against its class's fields, and against the node its class would make
from the same values.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.syntax import nodes as n
from evaluator.syntax import parse

DATA = Path(__file__).resolve().parents[1] / "data"
FILES = sorted((DATA / "corpus" / "nixpkgs-lib-26.11" / "lib").glob("*.nix"))


def _walk(root: n.Node) -> list[n.Node]:
    out: list[n.Node] = []
    stack = [root]
    while stack:
        node = stack.pop()
        out.append(node)
        stack.extend(node.children())
    return out


@pytest.mark.parametrize("path", FILES[:12], ids=lambda p: p.name)
def test_every_field_is_set_as_the_class_sets_it(path: Path) -> None:
    for node in _walk(parse(path.read_bytes()).root):
        fields = n.field_names(type(node))
        values = {f: getattr(node, f) for f in fields}  # raises if unset
        again = type(node)(**values)
        assert all(getattr(again, f) is values[f] for f in fields)


def test_the_built_nodes_of_each_fast_rule() -> None:
    src = b'let f = x: (x.a or 1) + g x; s = { a = "s"; }; in f s'
    kinds = {type(node) for node in _walk(parse(src).root)}
    fast = {n.Lambda, n.Ident, n.Binary, n.Apply, n.Select, n.Var, n.Str}
    assert fast | {n.Paren, n.AttrSet, n.AttrDef, n.StaticKey} <= kinds
    for node in _walk(parse(src).root):
        for f in n.field_names(type(node)):
            getattr(node, f)


def test_every_node_class_takes_its_fields_in_order() -> None:
    # `__slots__` (what `field_names` reads) and the written-out `__init__`
    # must agree, names and order, for every class, built or not.
    import inspect

    classes = [c for c in vars(n).values() if isinstance(c, type) and issubclass(c, n.Node)]
    assert len(classes) > 30
    for cls in classes:
        params = list(inspect.signature(cls).parameters)
        assert params == list(n.field_names(cls)), cls
        values = {f: object() for f in params}
        node = cls(**values)
        assert all(getattr(node, f) is values[f] for f in params), cls
