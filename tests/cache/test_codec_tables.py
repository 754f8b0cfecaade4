"""How a unit's constants are stored: plain data as it is, the rest tagged.

The codec asks marshal whether a constant is plain (marshal refuses a span,
a path or an attribute set at once) instead of walking it in Python; these
check that the answer and the round trip are the same as the walk's were.
"""

from __future__ import annotations

import marshal

import pytest

from evaluator.cache import codec
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, NixPath


def _round_trip(consts: dict[str, object], source: SourceText) -> dict[str, object]:
    stored = codec._dump_consts(consts, source)
    assert type(stored) is bytes
    decoded: dict[str, object] = codec.decode_value(
        marshal.loads(stored), lambda s, e: (source, s, e)
    )
    return decoded


def test_plain_constants_are_stored_as_they_are() -> None:
    source = SourceText("/x/default.nix", b"{ a = 1; }")
    positions = {f"n{i}": ("/x/default.nix", i, 3) for i in range(500)}
    consts = {"P1": positions, "F": ["a", 1, 2.5, None, True, ("t", [1])], "S": "s"}
    stored = marshal.loads(codec._dump_consts(consts, source))
    assert stored == ("P", consts)  # no tag inside: read back with no decoding
    assert _round_trip(consts, source) == consts


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
