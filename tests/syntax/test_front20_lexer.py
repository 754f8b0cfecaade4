"""front20's cheaper lexing and name walk change no token, tree or resolution.

The lexer tests string bodies for backslashes and carriage returns with integer
needles (a one-byte `bytes in bytes` formats and drops a TypeError first), looks
a name's token type and text up once (`_Lexer.names`), and the resolver's walk
queues dynamic selection keys inline. These tests pin what each of those paths
produces, so a faster variant that changed a token or a resolution would fail.
"""

from __future__ import annotations

from evaluator.compiler.scope import resolve
from evaluator.syntax import lexer
from evaluator.syntax import nodes as n
from evaluator.syntax.lexer import KEYWORDS, lex_for_parser, lex_raw, unescape
from evaluator.syntax.parser import parse


def test_unescape_backslashes_and_carriage_returns() -> None:
    assert unescape(b"plain") == "plain"
    assert unescape(b"a\\nb\\tc\\rd") == "a\nb\tc\rd"
    assert unescape(b"a\\$b\\\\c\\q") == "a$b\\cq"
    assert unescape(b"a\rb\r\nc") == "a\nb\nc"
    assert unescape(b"\\\r\n") == "\r\n"  # an escaped CR stays, as in Nix
    # no escape and no CR: the text as decoded, undecodable bytes kept
    assert unescape(b"caf\xc3\xa9 \xff") == "café \udcff"


def test_simple_string_tokens_with_and_without_escapes() -> None:
    src = b'[ "a" "b\\"c" "d\re" "f\\\\" "g$h" "" "\\${x}" ]'
    tokens, errors = lex_raw(src)
    assert errors == []
    values = [t[3] for t in tokens if t[0] == "STRING"]
    assert values == ["a", 'b"c', "d\ne", "f\\", "g$h", "", "${x}"]
    assert lex_for_parser(src) == (tokens, errors)


def test_names_and_keywords_by_one_look_up() -> None:
    words = b" ".join([*(k.encode() for k in KEYWORDS), b"a", b"if_", b"or'", b"a"])
    src = b"[ " + words + b" ]"
    tokens, _ = lex_raw(src)
    named = tokens[1:-2]
    expected = [*KEYWORDS.values(), "ID", "ID", "ID", "ID"]
    assert [t[0] for t in named] == expected
    assert [t[3] for t in named] == [*KEYWORDS, "a", "if_", "or'", "a"]
    # every occurrence of a name shares one string
    assert named[-1][3] is named[-4][3]
    for table in lexer._TABLES:  # shared by every file lexed (front22)
        table.clear()
    lx = lexer._Lexer(b"x y x")
    lx.run()
    assert lx.names == {b"x": ("ID", "x"), b"y": ("ID", "y")}


def test_dynamic_select_keys_are_resolved() -> None:
    result = parse(b'let b = 1; c = 2; in { x = a.${b}.c."${c}".d or b; }')
    resolved = resolve(result.root, result.source, lean=True)
    by_name: dict[str, list[object]] = {}
    for var in resolved.vars:
        by_name.setdefault(var.name, []).append(type(var.resolution).__name__)
    assert by_name == {"a": ["NoneType"], "b": ["LocalRef", "LocalRef"], "c": ["LocalRef"]}
    assert [v.name for v in resolved.undefined] == ["a"]
    # the same names, in the same order, as the full (editor) resolution
    full = resolve(result.root, result.source)
    assert [(v.start, v.name) for v in full.vars] == [(v.start, v.name) for v in resolved.vars]
    assert all(isinstance(v, n.Var) for v in resolved.vars)
