"""Every .nix file under tests/data: the same trees as the parser before the
rewrite for speed, and the same answers as C++ Nix's `--parse`.

`fixtures/parse_corpus.json` (recorded by `record_parse_corpus.py` with the
parser of main at fcb34b7; hashes only, the dumps would be megabytes) holds
per file: a hash of a structural dump (node types, spans, fields, then every
error with its span) of the file and of three broken copies of it, and a
hash of what `nix-instantiate --parse` 2.26.3 printed, with whether `nixls
parse` printed the same then (where it did, it still must).

A file changed since recording says nothing about the parser: it is skipped,
and most files must remain checked.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from evaluator.syntax import parse
from nixls.cli.parse_cmd import main
from tests.syntax.fixtures.record_parse_corpus import digest
from tests.syntax.tree_dump import DATA, corpus_files, text_hash, tree_hash

RECORDED: dict[str, str] = json.loads(
    (Path(__file__).parent / "fixtures" / "parse_corpus.json").read_text()
)


def _unchanged() -> list[tuple[Path, list[str]]]:
    """(file, [tree hash, Nix's answer, agreed]) for the files as recorded."""
    out = []
    for path in corpus_files():
        entry = RECORDED.get(path.relative_to(DATA).as_posix(), "").split()
        if entry and entry[0] == text_hash(path):
            out.append((path, entry[1:]))
    assert len(out) >= 900, "re-record the fixture: most of tests/data changed"
    return out


def test_trees_and_errors_match_the_recorded_parser() -> None:
    differ = [
        path.relative_to(DATA).as_posix()
        for path, (tree, _nix, _agreed) in _unchanged()
        if tree_hash(parse, path) != tree
    ]
    assert differ == []


def test_parse_output_matches_nix(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", "/homeless")
    monkeypatch.chdir("/")
    checked = [(path, nix) for path, (_tree, nix, agreed) in _unchanged() if agreed == "1"]
    assert len(checked) >= 850
    differ = []
    for path, nix in checked:
        out, err = io.BytesIO(), io.StringIO()
        rc = main([str(path)], io.BytesIO(), out, err)
        if digest(rc, out.getvalue().decode("utf-8", "surrogateescape"), err.getvalue()) != nix:
            differ.append(path.relative_to(DATA).as_posix())
    assert differ == []
