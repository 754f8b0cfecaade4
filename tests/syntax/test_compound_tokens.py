"""The parser's compound tokens (`NAME_EQ`, `CHAIN`, `CHAIN_EQ`) change nothing.

`parse()` lexes with :func:`~evaluator.syntax.lexer.lex_for_parser` (a name and
its `=`, names joined by dots, as one token each) and goes back to the plain
tokens at a syntax error or a deep stack. The plain path (:func:`lex_raw` and
the driver without compound tokens) is what the incremental re-parse and the
editor use: every tree, span, error and `or_calls` must be the same on both.
"""

from __future__ import annotations

import random

import pytest

from evaluator.syntax import lexer
from evaluator.syntax import nodes as n
from evaluator.syntax.driver import MAX_DEPTH, Driver
from evaluator.syntax.lexer import lex_for_parser, lex_raw, split_compound
from evaluator.syntax.parser import ParseResult, SyntaxErrorInfo, parse
from evaluator.syntax.tables import load_tables
from tests.syntax.tree_dump import corpus_files, dump, variants


def plain_parse(src: bytes) -> ParseResult:
    """`parse()` over the plain tokens only (what it did before compound tokens)."""
    errors: list[SyntaxErrorInfo] = []

    def report(start: int, end: int, message: str) -> None:
        errors.append(SyntaxErrorInfo(start, end, message))

    tokens, lex_errors = lex_raw(src)
    for e in lex_errors:
        report(e.start, e.end, e.message)
    driver = Driver(load_tables(), tokens, src, report)
    root = driver.run("start")
    errors.sort(key=lambda e: (e.start, e.end))
    return ParseResult(root, errors, src, driver.builder.or_calls)


def same(src: bytes) -> None:
    compound, plain = parse(src), plain_parse(src)
    assert dump(compound) == dump(plain), src[:200]
    assert compound.or_calls == plain.or_calls, src[:200]
    tokens, errors = lex_for_parser(src)
    assert (split_compound(tokens), errors) == lex_raw(src), src[:200]


CASES = [
    b"{ a = 1; b.c = 2; d.e.f = x.y.z; g = a.b or c; }",
    b"let x = a.b; y.z = 1; in x.y or y",
    b"{ or = 1; in = 2; a.or.b = 3; x = a.or; }",
    b'{ ${a}.b.c = 1; "s".t = 2; x."y".z = 3; ${b}.c = 4; }',
    b"(x).a.b ? c.d",
    b"x ? a.b.c",
    b"{ a.b.c = 1 }",
    b"{ a = ; b.c = ; }",
    b"[ a = 1 ]",
    b"{ a == b; }",
    b"{ a\n  =\n 1; b =1;c=2; }",
    b"__curPos.a.b",
    b"a.b.${c}.d",
    b"a.b:c a.b/c ./a.b a.b-c a'.b",
    b"a.b.c.d.e.f.g.h.i.j.k.l.m.n.o.p.q.r.s.t.u.v.w.x.y.z.aa.bb.cc.dd.ee.ff.gg.hh = 1",
    b"{ x = a.1; y = a.b.1; }",
    b"f a.b c.d",
    b"rec { a = b.c; b.c = 1; }",
    b"{ a = 1; } // { b.c = 2; }",
    b"let { body = a.b; a.b = 1; }",
    b"{ inherit a b; inherit (x.y) c; }",
    b"x: { a = x; } .b",
]


@pytest.mark.parametrize("src", CASES)
def test_hand_picked(src: bytes) -> None:
    same(src)


def test_compound_tokens_are_made() -> None:
    """The cases above do reach the compound rules (else they prove nothing)."""
    kinds = {t[0] for src in CASES for t in lex_for_parser(src)[0]}
    assert {"NAME_EQ", "CHAIN", "CHAIN_EQ"} <= kinds
    tree = parse(b"{ a.b = x.y; c = 1; }").root
    assert isinstance(tree, n.AttrSet)
    first = tree.bindings[0]
    assert isinstance(first, n.AttrDef) and isinstance(first.value, n.Select)
    assert [(k.start, k.end) for k in first.path] == [(2, 3), (4, 5)]
    assert (first.value.expr.start, first.value.path[0].start, first.value.end) == (8, 10, 11)


def test_corpus_and_broken_copies() -> None:
    """Every file under tests/data; every fifth one's broken copies too."""
    for i, path in enumerate(corpus_files()):
        text = path.read_bytes()
        if i % 5:
            same(text)
            continue
        for broken in variants(text, path.as_posix().split("tests/data/", 1)[1]):
            same(broken)


_ATOMS = [
    *("a", "b", "or", "in", "__curPos", "x'", "a-b", "_c", "rec", "let ", " in ", "inherit "),
    *(".", ".", ".", "=", "==", " ", "\n", "/", ":", "${x}", '"s"', "1", ";", "{", "}"),
    *("?", "(", ")", "[", "]", "0", ".5", "'", "+", "-", "@", "#c\n", "''x''", "a:", ","),
]


def test_random_token_soups() -> None:
    rnd = random.Random(1916)
    for _ in range(1500):
        same("".join(rnd.choice(_ATOMS) for _ in range(rnd.randrange(1, 30))).encode())


@pytest.mark.parametrize("levels", [MAX_DEPTH // 6, MAX_DEPTH // 4 - 2, MAX_DEPTH // 4 + 1])
def test_nesting_near_the_depth_limit(levels: int) -> None:
    """The compound parse stops at half the depth and parses again with
    the plain tokens: "nested too deeply" comes where it always came."""
    same(b"{ a = " * levels + b"1" + b"; }" * levels)
    same(b"{ a.b = " * levels + b"x.y" + b"; }" * levels)
    same(b"let a = " * (levels // 2) + b"1" + b"; in a.b" * (levels // 2))
    same(b"[ (a.b " * (levels // 2) + b"1" + b") ]" * (levels // 2))


@pytest.mark.parametrize("limit", [3, 4, 5, 6, 7, 9, 12])
def test_token_limit_counts_the_plain_tokens(monkeypatch: pytest.MonkeyPatch, limit: int) -> None:
    monkeypatch.setattr(lexer, "MAX_TOKENS", limit)
    for src in (b"{ a.b.c = 1; d = e.f; }", b"{ a = 1; b = 2; }", b"x.y.z.w"):
        same(src)
