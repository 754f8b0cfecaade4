"""Completion lists narrowed to the typed prefix and capped (plain data)."""

from __future__ import annotations

from nixls.ide.completion import Item, ItemKind, narrow, typed_prefix


def item(label: str, sort: str = "0") -> Item:
    return Item(label=label, kind=ItemKind.VARIABLE, sort_text=sort + label)


def labels(items: list[Item]) -> list[str]:
    return [i.label for i in items]


def test_the_typed_prefix_is_the_name_before_the_cursor() -> None:
    source = b"let a = x.fooB; in [ mkDer ]"
    assert typed_prefix(source, source.index(b"B;") + 1) == "fooB"
    assert typed_prefix(source, source.index(b" ]")) == "mkDer"
    assert typed_prefix(source, source.index(b"[") + 1) == ""
    assert typed_prefix(source, source.index(b"fooB")) == ""  # right after the dot


def test_prefix_camel_case_and_word_starts_match() -> None:
    items = [item(n) for n in ["mkDerivation", "derivation", "mkdir", "fetchurl", "my-der", "x"]]
    shown, incomplete = narrow(items, "der")
    assert labels(shown) == ["mkDerivation", "derivation", "my-der"]
    assert incomplete
    assert labels(narrow(items, "mkD")[0]) == ["mkDerivation", "mkdir"]  # case-insensitive
    assert labels(narrow(items, "rivation")[0]) == []  # not at the start of a word
    assert labels(narrow(items, "furl")[0]) == ["fetchurl"]  # letters in order from `f`
    assert labels(narrow(items, "url")[0]) == []  # `url` starts no word of `fetchurl`


def test_nothing_left_out_is_complete() -> None:
    items = [item("alpha"), item("alpine")]
    shown, incomplete = narrow(items, "al")
    assert labels(shown) == ["alpha", "alpine"] and not incomplete
    assert narrow(items, "")[1] is False


def test_the_cap_keeps_the_best_matches_then_sort_order() -> None:
    items = [item(f"ab{i}", "2") for i in range(5)] + [item(f"Ab{i}", "0") for i in range(5)]
    items += [item("a_b", "0")]  # a match only as letters in order
    shown, incomplete = narrow(items, "ab", limit=7)
    # The exact prefix first, even though its sort text comes later; then the
    # prefix ignoring case, by sort text; `a_b` does not make the cut.
    assert labels(shown) == ["ab0", "ab1", "ab2", "ab3", "ab4", "Ab0", "Ab1"]
    assert incomplete
    assert labels(narrow(items, "ab")[0]) == labels(items)  # all fit: as given
    shown, incomplete = narrow(items, "", limit=3)
    assert labels(shown) == ["Ab0", "Ab1", "Ab2"] and incomplete


def test_file_items_are_kept_as_given() -> None:
    files = [
        Item(label="tool.nix", kind=ItemKind.FILE, sort_text="1tool.nix", edit_span=(5, 6)),
        Item(label="sub/", kind=ItemKind.FOLDER, sort_text="0sub", edit_span=(5, 6)),
    ]
    assert narrow(files, "t") == (files, False)
