"""How a unit's constants are stored: plain data as it is, the rest tagged.

The codec asks marshal whether a constant is plain (marshal refuses a span,
a path or an attribute set at once) instead of walking it in Python; these
check that the answer and the round trip are the same as the walk's were.
"""

from __future__ import annotations

import marshal
from typing import Any

import pytest

from evaluator.cache import codec
from evaluator.compiler.compiled import CompiledFile, Unit
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, MergedPositions, NixPath


def _round_trip(consts: dict[str, Any], source: SourceText) -> dict[str, Any]:
    # Stored inside the entry's one marshalled payload: what marshal gives back is read.
    stored = marshal.loads(marshal.dumps(codec._dump_consts(consts, source)))
    return codec.load_consts(stored, source, lambda s, e: (source, s, e))


def test_plain_constants_are_stored_as_they_are() -> None:
    source = SourceText("/x/default.nix", b"{ a = 1; }")
    positions = {f"n{i}": ("/x/default.nix", i, 3) for i in range(500)}
    consts = {
        "P1": positions,
        "F": ["a", 1, 2.5, None, True, ("t", [1])],
        "S": "s",
        "T": ("a", ("b", "c"), 1),
        "N": frozenset({"x", "y"}),
    }
    stored = codec._dump_consts(consts, source)
    # Stored as marshal keeps them: read back with no decoding element by element.
    assert stored == ([], [], [], consts, [], ([], [], []), [])
    assert _round_trip(consts, source) == consts


def test_tuples_of_values_and_spans_are_stored_as_columns() -> None:
    source = SourceText("/x/default.nix", b"{ a.b = 1; c = 2; }")
    consts = {
        "K1": (("a", "b"), (source, 2, 5), (source, 2, 3)),
        "K2": (("c",), (source, 11, 12), (source, 11, 12)),
        "K3": ((source, 0, 1), "x", None),
        "K4": ((source, 3, 4),),  # one span in a tuple: not a span
        "K5": (source, 6, 7),
    }
    stored = codec._dump_consts(consts, source)
    groups = [
        ("vss", ["K1", "K2"], [[("a", "b"), ("c",)], [2, 11], [5, 12], [2, 11], [3, 12]]),
        ("svv", ["K3"], [[0], [1], ["x"], [None]]),
        ("s", ["K4"], [[3], [4]]),
    ]
    assert stored == (["K5"], [6], [7], {}, groups, ([], [], []), [])
    back = _round_trip(consts, source)
    assert back == consts and back["K1"][1][0] is source and back["K3"][0][0] is source
    assert back["K4"][0][0] is source and back["K5"][0] is source


def test_spans_paths_and_sets_inside_constants_round_trip() -> None:
    source = SourceText("/x/default.nix", b"{ a = ./b; }")
    span = (source, 2, 9)
    attrs = Attrs({"a": 1, "b": [span]})
    attrs.positions = {"a": ("/x/default.nix", 1, 3)}
    consts = {
        "K1": span,
        "K2": {"plain": (1, 2), "spanned": [span, ("x", span)]},
        "K3": NixPath("/x/b"),
        "K4": attrs,
        "K5": frozenset({"a", "b"}),
        "K6": {"n": ("/x/default.nix", 1, 1)},
    }
    back = _round_trip(consts, source)
    assert back == consts
    assert back["K1"][0] is source  # spans point at the file's own text
    assert type(back["K4"]) is Attrs and back["K4"].positions == attrs.positions
    assert not codec._plain(consts["K2"]) and codec._plain(consts["K6"])


def test_a_span_of_another_file_or_an_unknown_object_is_uncacheable() -> None:
    source = SourceText("/x/a.nix", b"1")
    other = SourceText("/x/b.nix", b"2")
    with pytest.raises(codec.Uncacheable):
        codec._dump_consts({"K": [(other, 0, 1)]}, source)
    with pytest.raises(codec.Uncacheable):
        codec._dump_consts({"K": object()}, source)


def _unit(source: SourceText, line_span: Any, info_span: Any) -> Unit:
    code = compile("K = 1\n", "<unit>", "exec")
    return Unit(
        "main",
        "",
        {1: (source, 0, 4), 7: line_span},
        {"th1": ("a thunk", (source, 2, 3)), "lam2": (None, info_span)},
        ["th3"],
        {"K1": (source, 5, 9), "K2": 3, "K3": ("a", (source, 1, 2))},
        {"g": "G"},
        code=code,
        line_contexts={7: (("while evaluating", (source, 0, 1)), ("x", None))},
    )


def test_spans_are_stored_as_columns_and_read_back_into_the_file() -> None:
    source = SourceText("/x/default.nix", b"{ a = ./b; }")
    raw = codec._raw_unit(_unit(source, (source, 6, 9), (source, 0, 12)), source)
    assert raw is not None
    assert marshal.loads(raw[2]) == ([1, 7], [0, 6], [4, 9])  # line numbers, starts, ends
    assert marshal.loads(raw[3]) == (["th1", "lam2"], ["a thunk", None], [2, 0], [3, 12])
    payload = codec.dump("k", CompiledFile(source, _unit(source, None, None), "f"), [raw])
    loaded = codec.load(payload, "k", source, lambda: None)  # type: ignore[arg-type, return-value]
    main = loaded.main
    assert dict(main.line_spans) == {1: (source, 0, 4), 7: (source, 6, 9)}
    assert dict(main.infos) == {"th1": ("a thunk", (source, 2, 3)), "lam2": (None, (source, 0, 12))}
    assert dict(main.consts) == {"K1": (source, 5, 9), "K2": 3, "K3": ("a", (source, 1, 2))}
    assert all(s[0] is source for s in main.line_spans.values())
    assert dict(main.line_contexts) == {7: (("while evaluating", (source, 0, 1)), ("x", None))}


def test_a_line_or_function_span_of_another_file_is_uncacheable() -> None:
    source = SourceText("/x/a.nix", b"1")
    other = SourceText("/x/b.nix", b"2")
    with pytest.raises(codec.Uncacheable):
        codec._raw_unit(_unit(source, (other, 0, 1), (source, 0, 1)), source)
    with pytest.raises(codec.Uncacheable):
        codec._raw_unit(_unit(source, (source, 0, 1), (other, 0, 1)), source)


def test_columns_of_different_lengths_are_refused() -> None:
    source = SourceText("/x/a.nix", b"1")
    with pytest.raises(ValueError):
        codec.load_consts(
            (["K1", "K2"], [0], [1], {}, [], ([], [], []), []), source, lambda s, e: (source, s, e)
        )
    with pytest.raises(ValueError):
        group = ("vs", ["K1", "K2"], [["a", "b"], [0], [1]])
        codec.load_consts(
            ([], [], [], {}, [group], ([], [], []), []), source, lambda s, e: (source, s, e)
        )


def test_an_entry_of_the_previous_format_is_refused() -> None:
    # Format 5 stored each unit's code and constants marshalled apart (bytes).
    source = SourceText("/x/a.nix", b"1")
    raw = codec._raw_unit(_unit(source, (source, 0, 1), (source, 0, 1)), source)
    assert raw is not None
    data = codec.dump("k", CompiledFile(source, _unit(source, None, None), "f"), [raw])
    assert codec.read_raw(data, "k")[3][0][0] == "main"
    old = b"nixls-compiled\x00\x05" + data[len(codec.MAGIC) :]
    with pytest.raises(codec.Corrupt):
        codec.read_raw(old, "k")


def test_attribute_sets_of_plain_values_are_stored_as_columns() -> None:
    source = SourceText("/x/default.nix", b"{ lib, pkgs ? 1 }: 1")
    formals = Attrs({"lib": False, "pkgs": True})
    formals.positions = {"lib": ("/x/default.nix", 1, 3), "pkgs": ("/x/default.nix", 1, 8)}
    bare = Attrs({"a": 1})  # no positions
    merged = Attrs({"a": 1})
    merged.positions = MergedPositions({"a": ("/x/default.nix", 1, 1)}, None, None)
    consts = {"K1": formals, "K2": bare, "K3": Attrs({"s": (source, 0, 1)})}
    stored = codec._dump_consts(consts, source)
    names, items, positions = stored[5]
    assert (names, items, positions) == (
        ["K1", "K2"],
        [dict(formals), {"a": 1}],
        [formals.positions, None],
    )
    assert [name for name, _ in stored[6]] == ["K3"]  # a span inside: tagged
    back = _round_trip(consts, source)
    assert back == consts and all(type(v) is Attrs for v in back.values())
    assert back["K1"].positions == formals.positions and back["K2"].positions is None
    assert back["K3"]["s"][0] is source
    # Positions merged by `//` are not plain: such a set is not stored.
    with pytest.raises(codec.Uncacheable):
        codec._dump_consts({"K": merged}, source)


def test_a_constant_presumed_plain_that_is_not_is_written_encoded(tmp_path: Any) -> None:
    from evaluator.cache.store import DiskCache

    source = SourceText("/x/default.nix", b"{ a = ./b; }")
    spanned = {"plain": (1, 2), "spanned": [(source, 2, 9)]}
    formals = Attrs({"a": False})
    formals.positions = {"a": ("/x/default.nix", 1, 3)}
    unit = _unit(source, (source, 6, 9), (source, 0, 12))
    unit.consts = {**unit.consts, "K4": spanned, "K5": formals, "K6": {"n": 1}}
    compiled = CompiledFile(source, unit, "f")
    # Presumed plain, the dict holding a span is only refused by marshal ...
    presumed = codec.raw_units(compiled, presume_plain=True)
    assert presumed[0][5][3]["K4"] is spanned
    with pytest.raises(ValueError):
        codec.dump("k", compiled, presumed)
    # ... and the cache then writes the units with each constant asked about.
    cache = DiskCache(str(tmp_path))
    cache.track("k", compiled)
    cache.flush()
    loaded = cache.load("k", source, lambda: None)  # type: ignore[arg-type, return-value]
    assert loaded is not None
    assert dict(loaded.main.consts) == dict(unit.consts)
    assert loaded.main.consts["K4"]["spanned"][0][0] is source
    assert loaded.main.consts["K5"].positions == formals.positions
