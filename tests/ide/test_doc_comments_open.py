"""Doc comments of an open document come from its own tree (no second parse),
and are the same as those of a fresh parse of its text."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.syntax import nodes
from nixls.ide import doc_comments
from nixls.ide.doc_comments import DocIndex
from nixls.ide.host import AnalysisHost
from nixls.ide.tree import walk

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"


@pytest.mark.parametrize("name", ["lists.nix", "attrsets.nix", "trivial.nix"])
def test_an_adopted_tree_gives_the_doc_comments_of_a_fresh_parse(
    name: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = LIB / name
    text = path.read_text()
    snap = AnalysisHost().open(path.as_uri(), text, 1)
    unit = snap.document
    source = unit.source
    lambdas = [n.start for n in walk(unit.parse_result.root) if isinstance(n, nodes.Lambda)]
    keys = [
        k.start
        for n in walk(unit.parse_result.root)
        if isinstance(n, nodes.AttrDef)
        for k in n.path
    ]
    assert len(lambdas) > 50 and len(keys) > 50
    fresh = DocIndex()
    expected = [fresh.for_function(str(path), source, at) for at in lambdas]
    positions = [(source[:at].count(b"\n") + 1, at - source.rfind(b"\n", 0, at)) for at in keys]
    expected_keys = [fresh.at_position(str(path), source, ln, col) for ln, col in positions]
    assert sum(d is not None and d.doc is not None for d in expected) > 20

    def no_parse(_text: bytes) -> None:
        raise AssertionError("parsed again")

    monkeypatch.setattr(doc_comments, "parse", no_parse)
    adopted = DocIndex()
    adopted.adopt(unit)
    assert [adopted.for_function(str(path), source, at) for at in lambdas] == expected
    got_keys = [adopted.at_position(str(path), source, ln, col) for ln, col in positions]
    assert got_keys == expected_keys


def test_another_text_of_an_adopted_path_is_parsed() -> None:
    text = "{\n  # Doc of f.\n  f = x: x;\n}\n"
    snap = AnalysisHost().open("file:///ws/f.nix", text, 1)
    index = DocIndex()
    index.adopt(snap.document)
    other = b"{\n  # Other doc.\n  f = y: y;\n}\n"
    found = index.for_function("/ws/f.nix", other, other.index(b"y:"))
    assert found is not None and found.doc == "Other doc."
    mine = index.for_function("/ws/f.nix", snap.document.source, text.index("x:"))
    assert mine is not None and mine.doc == "Doc of f." and mine.line == 3
