"""The front end's patterns from stored `_sre` programs (`regex_cache`): the
same pattern objects `re.compile` makes, the stored file current, and
`re.compile` whenever a program is missing, refused or of another `_sre`."""

from __future__ import annotations

import _sre
import re

import pytest

from evaluator.syntax import make_tables, regex_cache, regex_codes

CURRENT = regex_codes.MAGIC == _sre.MAGIC


@pytest.mark.skipif(not CURRENT, reason="programs stored for another _sre version")
def test_stored_programs_make_the_patterns_re_makes() -> None:
    patterns = make_tables.wanted()
    assert len(patterns) >= 8  # the lexer's scan and helpers, captures' `<p>`
    for pattern in patterns:
        assert regex_codes.CODES.get(regex_cache.key(pattern)) is not None
        made = regex_cache.compiled(pattern)
        assert made == re._compiler.compile(pattern, 0)  # type: ignore[attr-defined]
        assert made.groups == re.compile(pattern).groups


@pytest.mark.skipif(not CURRENT, reason="programs stored for another _sre version")
def test_stored_file_is_current() -> None:
    # Fails after a pattern changed: run `python -m evaluator.syntax.make_tables`.
    text = make_tables.CODES_PATH.read_text(encoding="utf-8")
    assert make_tables.codes_source(make_tables.wanted()) == text


def test_a_pattern_not_stored_is_compiled() -> None:
    made = regex_cache.compiled(rb"(a+)(b)?")
    assert made == re.compile(rb"(a+)(b)?")
    match = made.match(b"aab")
    assert match is not None and match.lastindex == 2


def test_a_refused_or_foreign_program_is_compiled(monkeypatch: pytest.MonkeyPatch) -> None:
    pattern = rb"[ab]+c"
    key = regex_cache.key(pattern)
    # A program `_sre` refuses (not a valid one): compiled by `re` instead.
    monkeypatch.setitem(regex_codes.CODES, key, (0, "AAAAAA==", 0))
    monkeypatch.setattr(regex_codes, "MAGIC", _sre.MAGIC)
    assert regex_cache.compiled(pattern) == re.compile(pattern)
    # Programs of another `_sre` version are not read at all.
    monkeypatch.setattr(regex_codes, "MAGIC", _sre.MAGIC + 1)
    assert regex_cache.compiled(pattern) == re.compile(pattern)
