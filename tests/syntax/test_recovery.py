"""Error recovery: every error located, a tree for the rest, no crash on any input."""

from __future__ import annotations

from pathlib import Path

from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.syntax import nodes as n
from evaluator.syntax import parse
from evaluator.syntax.positions import LineIndex

FIXTURES = Path(__file__).parent / "fixtures"


def check_invariants(source: bytes) -> None:
    """Parsing never raises; spans are inside the source and nest properly."""
    result = parse(source)
    assert isinstance(result.root, n.Node)
    assert result.source == source
    for err in result.errors:
        assert 0 <= err.start <= err.end <= len(source)
        assert err.message
    assert result.errors == sorted(result.errors, key=lambda e: (e.start, e.end))
    stack: list[n.Node] = [result.root]
    while stack:
        node = stack.pop()
        assert 0 <= node.start <= node.end <= len(source), node
        for child in node.children():
            assert node.start <= child.start and child.end <= node.end, (node, child)
            stack.append(child)


def test_five_errors_fixture() -> None:
    source = (FIXTURES / "five-errors.nix").read_bytes()
    result = parse(source)
    index = LineIndex(source)
    lines = [index.line_col(e.start)[0] for e in result.errors]
    marked = [i + 1 for i, text in enumerate(source.splitlines()) if b"# error" in text]
    assert lines == marked == [4, 5, 6, 8, 10]
    # the rest of the file is still there, with error nodes in the gaps
    assert isinstance(result.root, n.Lambda) and isinstance(result.root.body, n.Let)
    let = result.root.body
    names = [b.path[0].name for b in let.bindings if isinstance(b, n.AttrDef)]
    assert names == ["a", "b", "c", "ok1", "d", "ok2", "e"]
    assert isinstance(let.body, n.AttrSet)
    errors = [x for x in n.walk(result.root) if isinstance(x, n.Error)]
    assert len(errors) == 4  # `}` needed only a `;`, the others an expression
    check_invariants(source)


def test_missing_semicolon_keeps_binding() -> None:
    result = parse("{ a = 1 }")
    assert [e.message for e in result.errors] == ["syntax error, unexpected '}', expecting ';'"]
    assert isinstance(result.root, n.AttrSet)
    assert [b.path[0].name for b in result.root.bindings if isinstance(b, n.AttrDef)] == ["a"]


def test_unclosed_brackets_at_end() -> None:
    result = parse("let a = [ 1 (2 ")
    assert len(result.errors) == 1
    assert "end of file" in result.errors[0].message
    assert isinstance(result.root, n.Let)


def test_independent_errors_in_nested_sets() -> None:
    source = "{\n  a = { x = ; };\n  b = 2;\n  c = [ 1 2 ) ];\n  d = 4;\n}\n"
    result = parse(source)
    index = LineIndex(source.encode())
    assert [index.line_col(e.start)[0] for e in result.errors] == [2, 4]
    assert isinstance(result.root, n.AttrSet)
    keys = [b.path[0].name for b in result.root.bindings if isinstance(b, n.AttrDef)]
    assert keys == ["a", "b", "c", "d"]


def test_lexer_errors_are_located() -> None:
    cases = {
        # Worded as Nix 2.26 (bison) words them.
        b'"abc': "syntax error, unexpected end of file, expecting '\"'",
        b"''abc": "syntax error, unexpected end of file, "
        "expecting IND_STR or DOLLAR_CURLY or IND_STRING_CLOSE",
        b"/* abc": "unterminated comment",
        b"./a/ + 1": "path has a trailing slash",
    }
    for source, message in cases.items():
        result = parse(source)
        assert [e.message for e in result.errors][:1] == [message], source


def test_deep_nesting_is_an_error_not_a_crash() -> None:
    cases = [(b"(", b")", 100_000), (b"[", b"]", 100_000)]
    cases += [(b"{a=", b";}", 12_000), (b'"${', b'}"', 12_000), (b"x: ", b"", 12_000)]
    for open_, close, depth in cases:
        source = open_ * depth + b"1" + close * depth
        result = parse(source)
        assert [e.message for e in result.errors] == ["expression nested too deeply"]
    # well below the limit is fine
    assert parse(b"(" * 2000 + b"1" + b")" * 2000).errors == []


def test_ten_megabyte_line() -> None:
    item = b'"abcdefghijklmnopqrstuvwxyz0123456789-abcdefghijk" '
    count = 10_000_000 // len(item) + 1
    source = b"[ " + item * count + b"]"
    assert len(source) >= 10_000_000
    result = parse(source)
    assert result.errors == []
    assert isinstance(result.root, n.List)
    assert len(result.root.items) == count
    assert parse(b"x" * 10_000_000).errors == []


@settings(max_examples=150, deadline=None)
@given(st.binary(max_size=400))
def test_random_bytes(source: bytes) -> None:
    check_invariants(source)


_SOUP = [
    "{", "}", "(", ")", "[", "]", ";", ":", "=", ",", "@", "?", ".", "...", "${", '"', "''",
    "a", "b.c", "or", "let", "in", "rec", "inherit", "if", "then", "else", "with", "assert",
    "1", "2.5", "./p", "<p>", "x:y", "+", "-", "*", "/", "//", "++", "!", "==", "->", "&&",
    " ", "\n", "#c\n", "/*c*/", "é", "\\", "$", "'",
]  # fmt: skip


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_SOUP), max_size=80))
def test_token_soup(parts: list[str]) -> None:
    check_invariants("".join(parts).encode())
