"""The merged binding structure code generation compiles.

The merging rules are Nix 2.8's; the values each case ends up with were
checked with `nix-instantiate --eval --strict` (quoted in the comments).
"""

from __future__ import annotations

from evaluator.compiler import analyse
from evaluator.compiler.bindings import (
    DynamicEntry,
    InheritEntry,
    MergedAttrs,
    NestedEntry,
    ValueEntry,
    merge_bindings,
)
from evaluator.syntax import nodes, parse


def merged(source: str) -> MergedAttrs:
    root = parse(source).root
    assert isinstance(root, (nodes.AttrSet, nodes.Let, nodes.LegacyLet))
    result, problems = merge_bindings(root, source.encode())
    assert problems == []
    return result


def shape(attrs: MergedAttrs) -> dict[str, object]:
    """Static names -> entry kind, nested sets expanded."""
    out: dict[str, object] = {}
    for name, entry in attrs.static.items():
        if isinstance(entry, NestedEntry):
            out[name] = shape(entry.attrs)
        elif isinstance(entry, InheritEntry):
            out[name] = "inherit-from" if entry.source else "inherit"
        else:
            value = entry.value
            out[name] = type(value).__name__
    return out


def test_paths_merge_into_one_nested_set_in_order() -> None:
    # { a = { b = 1; c = 2; }; d = 3; }
    attrs = merged("{ a.b = 1; d = 3; a.c = 2; }")
    assert list(attrs.static) == ["a", "d"]
    assert shape(attrs) == {"a": {"b": "Int", "c": "Int"}, "d": "Int"}
    assert not attrs.rec and not attrs.dynamic


def test_path_walks_into_a_literal() -> None:
    # { a = { b = 1; c = 2; }; }: `c` joins the literal's own merged set
    source = "{ a = { b = 1; }; a.c = 2; }"
    analysis = analyse(parse(source))
    outer = analysis.bindings[analysis.tree]
    entry = outer.static["a"]
    assert isinstance(entry, ValueEntry) and isinstance(entry.value, nodes.AttrSet)
    assert list(analysis.bindings[entry.value].static) == ["b", "c"]


def test_later_literal_is_absorbed_with_its_dynamic_attrs() -> None:
    # { a.b = 1; a = { ${"c"+""} = 2; x = 3; }; } is { a = { b = 1; c = 2; x = 3; }; } in
    # Nix 2.26 (2.8 dropped `c`)
    source = '{ a.b = 1; a = { ${"c" + ""} = 2; x = 3; }; }'
    analysis = analyse(parse(source))
    outer = analysis.bindings[analysis.tree]
    nested = outer.static["a"]
    assert isinstance(nested, NestedEntry)
    assert list(nested.attrs.static) == ["b", "x"]
    assert len(nested.attrs.dynamic) == 1
    assert not nested.attrs.dropped
    (literal,) = nested.attrs.absorbed
    assert analysis.bindings[literal] is nested.attrs


def test_two_literals_merge() -> None:
    # { a = { b = 1; }; a = { c = 2; }; } is { a = { b = 1; c = 2; }; }
    analysis = analyse(parse("{ a = { b = 1; }; a = { c = 2; }; }"))
    entry = analysis.bindings[analysis.tree].static["a"]
    assert isinstance(entry, ValueEntry)
    assert list(analysis.bindings[entry.value].static) == ["b", "c"]


def test_dynamic_entries_in_order_with_nested_paths() -> None:
    attrs = merged('{ ${"x" + ""} = 1; a = 2; "y${"z"}".b.c = 3; }')
    assert list(attrs.static) == ["a"]
    first, second = attrs.dynamic
    assert isinstance(first, DynamicEntry) and isinstance(first.value, nodes.Int)
    assert isinstance(second.value, MergedAttrs)
    assert shape(second.value) == {"b": {"c": "Int"}}


def test_inherit_entries() -> None:
    attrs = merged("let inherit a; inherit ({ b = 1; c = 2; }) b c; in a")
    a, b, c = attrs.static.values()
    assert isinstance(a, InheritEntry) and a.var is not None and a.source is None
    assert (a.var.start, a.var.end, a.var.name) == (a.key.start, a.key.end, "a")
    assert isinstance(b, InheritEntry) and isinstance(c, InheritEntry)
    assert b.source is c.source and b.var is None
    assert list(attrs.inherit_sources) == [b.source]
    assert attrs.rec


def test_legacy_let_and_rec_are_recursive() -> None:
    assert merged("let { body = 1; }").rec
    assert merged("rec { a = 1; }").rec
    assert not merged("{ a = 1; }").rec


def test_duplicate_problems_keep_the_first_definition() -> None:
    root = parse("{ a = 1; a = 2; b.c = 1; b.c = 2; }").root
    assert isinstance(root, nodes.AttrSet)
    attrs, problems = merge_bindings(root)
    first = attrs.static["a"]
    assert isinstance(first, ValueEntry) and isinstance(first.value, nodes.Int)
    assert first.value.value == 1
    assert [[k.name for k in p.path if isinstance(k, nodes.StaticKey)] for p in problems] == [
        ["a"],
        ["b", "c"],
    ]
    assert len(attrs.rejected) == 2
