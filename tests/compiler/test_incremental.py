"""Incremental re-analysis gives exactly what a full analysis of the new text gives.

Each edit goes through the language server's path: the syntax layer's
incremental re-parse (``apply_edit``), then ``reanalyse`` of the previous
analysis. The result is compared, through a position-based signature of
everything an analysis holds (resolutions, scopes, bindings, merged sets,
environments, diagnostics), with ``analyse`` of a fresh parse of the same
text. The tests also check that the incremental path was really taken.
"""

from __future__ import annotations

import random
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.compiler import Analysis, analyse, incremental
from evaluator.compiler.incremental import Splice, apply_edit, reanalyse
from evaluator.syntax import parse
from evaluator.syntax.document import Document
from tests.compiler.edits import SNIPPETS, random_edit
from tests.compiler.signature import signature

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib" / "lib"
LIB_FILES = sorted(LIB.rglob("*.nix"))
CASES = (Path(__file__).parent / "fixtures" / "cases.nix-cases").read_text()
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_packages import generate  # noqa: E402


@pytest.fixture
def any_unit_size(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Re-analyse incrementally even when the unit is most of a (small) file."""
    monkeypatch.setattr(incremental, "MAX_UNIT_SHARE", 1.0)
    yield


def assert_same_as_full(analysis: Analysis, source: bytes) -> None:
    full = analyse(parse(source), analysis.file)
    assert signature(analysis) == signature(full)


class Editor:
    """A document and its analysis, kept up to date the way the server does."""

    def __init__(self, source: bytes, file: str | None = None) -> None:
        self.doc = Document(source)
        self.file = file
        self.analysis = analyse(self.doc.result, file)
        self.counts = {"incremental": 0, "whole analysis": 0, "whole parse": 0}

    def edit(self, start: int, end: int, text: bytes) -> bool:
        """Apply one edit; True when the analysis was updated incrementally."""
        splice: Splice | None = apply_edit(self.doc, start, end, text)
        updated = reanalyse(self.analysis, self.doc.result, splice) if splice else None
        if updated is None:
            self.counts["whole parse" if splice is None else "whole analysis"] += 1
            self.analysis = analyse(self.doc.result, self.file)
            return False
        self.counts["incremental"] += 1
        self.analysis = updated
        return True


def _check_random_edits(sources: list[tuple[str, bytes]], edits: int, seed: int) -> dict[str, int]:
    rng = random.Random(seed)
    totals = {"incremental": 0, "whole analysis": 0, "whole parse": 0}
    for name, source in sources:
        editor = Editor(source, name)
        for _ in range(edits):
            start, end, text = random_edit(rng, editor.doc.source)
            if editor.edit(start, end, text):
                assert_same_as_full(editor.analysis, editor.doc.source)
        for key, n in editor.counts.items():
            totals[key] += n
    return totals


def test_random_edits_of_nixpkgs_lib(any_unit_size: None) -> None:
    files = random.Random(3).sample(LIB_FILES, 45)
    sources = [(str(p), p.read_bytes()) for p in files]
    totals = _check_random_edits(sources, edits=8, seed=11)
    assert totals["incremental"] >= 100, totals


def test_random_edits_of_diagnostic_cases(any_unit_size: None) -> None:
    # Small programs full of the traps: merging, rec, inherit, with, duplicates.
    sources = [
        (chunk.split("\n", 1)[0], chunk.split("\n", 1)[1].encode())
        for chunk in CASES.split("\n### ")[1:]
    ]
    totals = _check_random_edits(sources, edits=12, seed=5)
    assert totals["incremental"] >= 30, totals


def test_edits_of_the_generated_package_set() -> None:
    # The benchmark's file (shorter): edits everywhere, with the default unit limit.
    source = generate(1000).encode()
    editor = Editor(source, "packages.nix")
    rng = random.Random(2)
    incremental_steps = 0
    for _ in range(12):
        start, end, text = random_edit(rng, editor.doc.source)
        if editor.edit(start, end, text):
            incremental_steps += 1
            assert_same_as_full(editor.analysis, editor.doc.source)
    assert incremental_steps >= 4, editor.counts


def test_a_chain_of_incremental_edits_stays_exact(any_unit_size: None) -> None:
    # Many edits in a row, each on the previous incremental result; compared
    # only every few steps, so errors would accumulate.
    source = (LIB / "lists.nix").read_bytes()
    editor = Editor(source)
    rng = random.Random(9)
    chain = longest = 0
    for _ in range(150):
        start, end, text = random_edit(rng, editor.doc.source)
        if not editor.edit(start, end, text):
            chain = 0  # a whole analysis: the chain starts again
            continue
        chain += 1
        longest = max(longest, chain)
        if chain % 8 == 0:
            assert_same_as_full(editor.analysis, editor.doc.source)
    assert longest >= 16, editor.counts


@settings(max_examples=25, deadline=None)
@given(
    st.sampled_from(["lists.nix", "attrsets.nix", "strings.nix", "fixed-points.nix"]),
    st.lists(
        st.tuples(st.floats(0, 1), st.integers(0, 4), st.sampled_from(SNIPPETS)),
        min_size=1,
        max_size=5,
    ),
)
def test_hypothesis_edits(name: str, edits: list[tuple[float, int, str]]) -> None:
    editor = Editor((LIB / name).read_bytes())
    for where, length, text in edits:
        source = editor.doc.source
        start = int(where * len(source))
        while start < len(source) and (source[start] & 0xC0) == 0x80:
            start += 1  # not inside a UTF-8 sequence
        end = min(len(source), start + length)
        while end < len(source) and (source[end] & 0xC0) == 0x80:
            end += 1
        if editor.edit(start, end, text.encode()):
            assert_same_as_full(editor.analysis, editor.doc.source)


# ---------------------------------------------------------------- specific edits


def edit_text(editor: Editor, old: str, new: str, nth: int = 0) -> bool:
    """Replace the ``nth`` occurrence of ``old``; True if re-analysed incrementally."""
    source = editor.doc.source
    at = -1
    for _ in range(nth + 1):
        at = source.index(old.encode(), at + 1)
    return editor.edit(at, at + len(old.encode()), new.encode())


PACKAGES = """\
{ lib, stdenv, fetchurl }:
let
  helper = x: x;
  unusedHelper = y: y;
in
rec {
  a = stdenv.mkDerivation rec {
    pname = "a";
    version = "1";
    src = fetchurl { url = "https://x/${pname}-${version}"; };
  };
  b = helper a;
  c = { inherit (lib) id; };
}
"""


def codes(analysis: Analysis) -> list[tuple[str, str]]:
    src = analysis.source
    return [(d.code, src[d.start : d.end].decode()) for d in analysis.diagnostics]


def test_using_a_binding_inside_a_set_updates_outer_diagnostics() -> None:
    editor = Editor(PACKAGES.encode())
    # `y` is read only by an unused binding: unused too.
    unused = [("unused-binding", "unusedHelper"), ("unused-argument", "y")]
    assert codes(editor.analysis) == unused
    # The edit is inside the `rec { }` of `a`: re-analysed alone.
    assert edit_text(editor, '"1"', "unusedHelper 1")
    assert codes(editor.analysis) == []
    assert_same_as_full(editor.analysis, editor.doc.source)
    assert edit_text(editor, "unusedHelper 1", '"1"')
    assert codes(editor.analysis) == unused
    assert_same_as_full(editor.analysis, editor.doc.source)


def test_an_edit_shifts_everything_after_it() -> None:
    editor = Editor(PACKAGES.encode())
    assert edit_text(editor, "pname = ", "pname  =   ")
    assert_same_as_full(editor.analysis, editor.doc.source)
    # A reference after the edit is found at its new position.
    at = editor.doc.source.index(b"helper a")
    binding = editor.analysis.definition_at(at)
    assert binding is not None and binding.name == "helper"
    assert binding.name_span == (PACKAGES.index("helper"), PACKAGES.index("helper") + 6)


def test_renaming_a_binding_name_reanalyses_its_set() -> None:
    editor = Editor(PACKAGES.encode())
    # `b` becomes `bb`: the names of the top `rec` change, which is most of the file.
    assert not edit_text(editor, "b = helper", "bb = helper")
    assert_same_as_full(editor.analysis, editor.doc.source)


def test_a_binding_value_is_reanalysed_alone(any_unit_size: None) -> None:
    editor = Editor(PACKAGES.encode())
    assert edit_text(editor, "helper a", "helper (a // c)")
    assert_same_as_full(editor.analysis, editor.doc.source)
    assert edit_text(editor, "inherit (lib) id", "inherit (lib.trivial) id")
    assert_same_as_full(editor.analysis, editor.doc.source)
    # A binding whose name another binding of the set also defines: not alone,
    # but still exact (the whole set is resolved again).
    editor = Editor(b"rec { a.x = 1; a.y = b; b = 2; }")
    edit_text(editor, "a.y = b", "a.y = a")
    assert_same_as_full(editor.analysis, editor.doc.source)
