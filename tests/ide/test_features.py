"""Hover, definition, completion, outline, folding, selection and quick fixes
answered by a snapshot in byte offsets and plain data, without a server."""

from __future__ import annotations

import asyncio
from pathlib import Path

from nixls.ide.completion import ItemKind
from nixls.ide.host import AnalysisHost, Snapshot
from nixls.ide.symbols import SymbolKind

URI = "file:///ws/t.nix"


def open_text(text: str, host: AnalysisHost | None = None, uri: str = URI) -> Snapshot:
    return (host or AnalysisHost()).open(uri, text, 1)


def test_hover_describes_a_let_binding_and_names_what_to_evaluate() -> None:
    text = "let\n  a = 1 + 2;\nin a\n"
    snap = open_text(text)
    info = snap.hover(text.rindex("a"), snap.reader())
    assert info is not None
    assert text[info.span[0] : info.span[1]] == "a"
    assert info.markdown[0] == "`a`: let binding, defined on line 2"
    assert info.expr is not None and text[info.expr[0] : info.expr[1]] == "a"


def test_hover_on_a_builtin_selection_shows_its_documentation() -> None:
    text = "builtins.map (x: x) [ ]\n"
    snap = open_text(text)
    info = snap.hover(text.index("map"), snap.reader())
    assert info is not None and "map" in info.markdown[0]
    assert info.expr is not None and text[info.expr[0] : info.expr[1]] == "builtins.map"
    assert snap.hover(text.index("x:"), snap.reader()) is not None
    assert open_text("1\n").hover(0, snap.reader()) is None


def test_hover_value_comes_from_the_live_evaluator() -> None:
    text = "let a = 1 + 2; in a\n"
    snap = open_text(text)
    info = snap.hover(text.rindex("a"), snap.reader())
    assert info is not None and info.expr is not None

    async def value() -> str | None:
        outcome = await snap.value_within(info.expr)  # type: ignore[arg-type]
        snap.host.live.shutdown()
        return outcome.value if outcome is not None else "late"

    assert asyncio.run(value()) == "3"


def test_definitions_of_locals_paths_and_imported_attributes(tmp_path: Path) -> None:
    (tmp_path / "lib.nix").write_text("{\n  greet = 1;\n}\n")
    main = tmp_path / "main.nix"
    text = "let l = import ./lib.nix; x = 1; in [ x l.greet ./lib.nix ]\n"
    main.write_text(text)
    host = AnalysisHost()
    host.files.roots = [str(tmp_path)]
    snap = open_text(text, host, main.as_uri())

    def defs(needle: str) -> list[tuple[str, str]]:
        found = asyncio.run(snap.definitions(text.index(needle), snap.reader()))
        out = []
        for loc in found:
            source = loc.unit.source if loc.unit is not None else b""
            out.append((loc.uri.rsplit("/", 1)[-1], source[loc.span[0] : loc.span[1]].decode()))
        return out

    assert defs("x l.greet") == [("main.nix", "x")]
    assert defs("greet") == [("lib.nix", "greet")]
    assert defs("./lib.nix ]") == [("lib.nix", "")]


def test_definitions_outside_the_read_policy_are_not_looked_into(tmp_path: Path) -> None:
    (tmp_path / "lib.nix").write_text("{ greet = 1; }\n")
    text = f"(import {tmp_path}/lib.nix).greet\n"
    host = AnalysisHost()
    host.files.roots = ["/nowhere"]
    snap = open_text(text, host, "file:///nowhere/t.nix")
    reader = snap.reader()
    assert asyncio.run(snap.definitions(text.index("greet"), reader)) == []
    assert reader.denied and "forbidden" in reader.denied[0]


def _complete(snap: Snapshot, offset: int) -> dict[str, tuple[ItemKind, str | None]]:
    items = asyncio.run(snap.completions(offset, snap.reader()))
    return {i.label: (i.kind, i.detail) for i in items}


def test_completion_offers_locals_builtins_keywords_and_attributes() -> None:
    text = "let alpha = { beta = 1; }; in alpha.\n"
    snap = open_text(text)
    attrs = _complete(snap, text.index(".\n") + 1)
    assert attrs == {"beta": (ItemKind.FIELD, "attribute")}
    names = _complete(open_text("let alpha = 1; in al\n"), len("let alpha = 1; in al"))
    assert names["alpha"] == (ItemKind.VARIABLE, "let binding")
    assert names["map"] == (ItemKind.FUNCTION, "builtin")
    assert names["if"][0] is ItemKind.KEYWORD


def test_completion_of_formals_and_of_paths(tmp_path: Path) -> None:
    text = "let f = { a, b ? 1 }: a; in f { a = 1; }\n"
    at = text.index("a = 1; }") + len("a = 1;")
    found = _complete(open_text(text), at)
    assert found["b"] == (ItemKind.PROPERTY, "argument (has a default)") and "a" not in found
    (tmp_path / "sub").mkdir()
    (tmp_path / "file.nix").write_text("1\n")
    path_text = "./"
    host = AnalysisHost()
    host.files.roots = [str(tmp_path)]
    snap = open_text(path_text, host, (tmp_path / "t.nix").as_uri())
    items = asyncio.run(snap.completions(2, snap.reader()))
    assert {(i.label, i.kind, i.edit_span) for i in items} >= {
        ("sub/", ItemKind.FOLDER, (2, 2)),
        ("file.nix", ItemKind.FILE, (2, 2)),
    }


def test_symbols_nest_attributes_and_mark_let_bindings() -> None:
    text = "let v = 1; in {\n  f = { x, ... }: x;\n  s = { inner = [ ]; };\n}\n"
    outline = open_text(text).symbols()
    assert [(s.name, s.kind) for s in outline] == [
        ("v", SymbolKind.VARIABLE),
        ("f", SymbolKind.FUNCTION),
        ("s", SymbolKind.OBJECT),
    ]
    assert outline[1].detail == "{ x, ... }:"
    [inner] = outline[2].children
    assert (inner.name, inner.kind, text[inner.selection[0] : inner.selection[1]]) == (
        "inner",
        SymbolKind.ARRAY,
        "inner",
    )


def test_folds_are_multi_line_regions_and_comment_runs() -> None:
    text = "# one\n# two\n{\n  a = [\n    1\n  ];\n}\n"
    folds = {(f.start_line, f.end_line, f.comment) for f in open_text(text).folds()}
    assert (0, 1, True) in folds
    assert (2, 6, False) in folds and (3, 5, False) in folds
    assert all(end > start for start, end, _c in folds)


def test_selection_grows_outwards_from_the_cursor() -> None:
    text = "{ a = f (x + 1); }\n"
    chain = open_text(text).selection(text.index("x"))
    shown = [text[s:e] for s, e in chain]
    assert shown[-1] == "x" and "x + 1" in shown and shown[0].startswith("{")
    assert len(set(chain)) == len(chain)


def test_quick_fixes_are_edits_of_byte_spans() -> None:
    text = "let\n  unused = 1;\n  used = 2;\nin used\n"
    snap = open_text(text)
    [fix] = snap.quick_fixes(0, len(text))
    assert fix.title == "Remove unused binding `unused`"
    assert fix.diagnostic.code == "unused-binding"
    [(start, end, new)] = fix.edits
    assert (text[start:end], new) == ("  unused = 1;\n", "")
    elsewhere = text.index("in used")
    assert snap.quick_fixes(elsewhere, elsewhere) == []
