"""front22's lexer tables: a name's string and token type, and a chain's
names, are kept across files (`lexer._TABLES`) and found by one look-up of a
chain's whole text. Tokens must not depend on what was lexed before, nor on
the tables being cleared when they grow past their bound."""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.syntax import lexer
from evaluator.syntax.lexer import LexError, RawToken, lex_for_parser, lex_raw, split_compound

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

CHAINS = (
    b"{ a.b.c = x.y; a.or.b = 1; x.if.y = 2; p.q = a.b.c or p.q; inherit (a.b) c;"
    b" r = x.y.z; s = a.b.c; t = a.or.b; u = x.y; }"
)


def _fresh(src: bytes) -> tuple[list[RawToken], list[LexError]]:
    """``src`` lexed with empty tables."""
    for table in lexer._TABLES:
        table.clear()
    return lex_for_parser(src)


def test_chains_repeat_with_one_tuple_and_keywords_split() -> None:
    tokens, errors = _fresh(CHAINS)
    assert errors == []
    chains = [t for t in tokens if t[0] in ("CHAIN", "CHAIN_EQ")]
    values = [t[3] for t in chains]
    assert values == [("a", "b", "c"), ("x", "y"), ("p", "q"), ("a", "b", "c")] + [
        ("p", "q"),
        ("a", "b"),
        ("x", "y", "z"),
        ("a", "b", "c"),
        ("x", "y"),
    ]
    # One tuple for every occurrence of a chain's text (`a.b.c =` included).
    assert values[0] is values[3] is values[7]
    # `a.or.b` and `x.if.y` (a keyword among the names): plain tokens, twice.
    kinds = [t[0] for t in tokens]
    assert kinds.count("OR_KW") == 3 and kinds.count("IF") == 1
    assert split_compound(tokens) == lex_raw(CHAINS)[0]


@pytest.mark.parametrize("name", ["lists.nix", "options.nix"])
def test_tokens_do_not_depend_on_files_lexed_before(name: str) -> None:
    src = (LIB / name).read_bytes()
    alone = _fresh(src)
    for other in ("attrsets.nix", "strings.nix", "modules.nix"):
        lex_for_parser((LIB / other).read_bytes())
    assert lex_for_parser(src) == alone
    assert lex_for_parser(CHAINS) == _fresh(CHAINS)


def test_tables_cleared_past_their_bound(monkeypatch: pytest.MonkeyPatch) -> None:
    src = (LIB / "lists.nix").read_bytes()
    expected = _fresh(src)
    chains = lex_for_parser(CHAINS)
    before = lexer._TABLES[0]
    assert len(before) > 100  # lists.nix's names and CHAINS's
    monkeypatch.setattr(lexer, "_MAX_WORDS", 100)
    assert lex_for_parser(CHAINS) == chains  # a new lexer empties them first
    assert lexer._TABLES[0] is before  # emptied, not replaced
    assert len(before) < 40  # CHAINS's names only
    assert lex_for_parser(src) == expected
