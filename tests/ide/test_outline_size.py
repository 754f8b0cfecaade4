"""The outline of a large file: whole levels while they fit in the symbol budget."""

from __future__ import annotations

from nixls.ide.host import AnalysisHost
from nixls.ide.symbols import MAX_SYMBOLS, Symbol, document_symbols


def package_set(count: int, attrs: int) -> str:
    """A set of ``count`` packages, each with ``attrs`` attributes and a nested `meta`."""
    body = "".join(f"    a{j} = {j};\n" for j in range(attrs))
    return (
        "{\n"
        + "".join(
            f"  p{i} = mk {{\n{body}    meta = {{ x = 1; y = 2; }};\n  }};\n" for i in range(count)
        )
        + "}\n"
    )


def outline(text: str, budget: int = MAX_SYMBOLS) -> list[Symbol]:
    snap = AnalysisHost().open("file:///ws/set.nix", text, 1)
    return document_symbols(snap.document, budget)


def levels(symbols: list[Symbol]) -> list[int]:
    counts = []
    while symbols:
        counts.append(len(symbols))
        symbols = [c for s in symbols for c in s.children]
    return counts


def test_a_small_file_shows_every_level() -> None:
    assert levels(outline(package_set(10, 3))) == [10, 40, 20]


def test_levels_that_do_not_fit_are_left_out_whole() -> None:
    text = package_set(10, 3)
    assert levels(outline(text, budget=70)) == [10, 40, 20]
    assert levels(outline(text, budget=69)) == [10, 40]  # the third level would make 70
    assert levels(outline(text, budget=49)) == [10]
    # The first level is the file's index: always whole, even over the budget.
    assert levels(outline(text, budget=3)) == [10]


def test_a_cut_outline_keeps_names_spans_and_kinds() -> None:
    text = package_set(300, 40)  # 300 + 12,300 symbols: over the default budget
    top = outline(text)
    assert levels(top) == [300]
    assert [s.name for s in top[:3]] == ["p0", "p1", "p2"]
    first = top[0]
    assert text[first.selection[0] : first.selection[1]] == "p0"
    assert text[first.span[0] : first.span[1]].startswith("p0 = mk {")
    assert text[first.span[0] : first.span[1]].endswith("};")
