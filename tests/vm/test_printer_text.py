"""The value printer's identifiers and string escapes, by string methods,
are those of the regexes they replace (compiled at start-up before)."""

from __future__ import annotations

import itertools
import random
import re

import pytest

from evaluator.vm.printer import attr_name, escape_string, is_identifier

_IDENT = re.compile(r"[A-Za-z_][A-Za-z0-9_'-]*\Z")
_ESCAPES = {'"': '\\"', "\\": "\\\\", "\n": "\\n", "\r": "\\r", "\t": "\\t"}
_NEEDS_ESCAPE = re.compile(r'["\\\n\r\t]|\$\{')

# Characters the two patterns tell apart, and others of every kind.
_ALPHABET = "aZ_'-09$\\{}\"\n\r\t .é€\u00e9\U0001f600\x00ß١Ａ"


def _strings(max_length: int) -> list[str]:
    short = [
        "".join(p) for n in range(max_length + 1) for p in itertools.product(_ALPHABET, repeat=n)
    ]
    rng = random.Random(2026)
    longer = ["".join(rng.choices(_ALPHABET, k=rng.randint(4, 30))) for _ in range(20_000)]
    return short + longer


@pytest.fixture(scope="module")
def samples() -> list[str]:
    return _strings(3)


def test_identifiers_are_the_regex_s(samples: list[str]) -> None:
    for s in samples:
        assert is_identifier(s) == bool(_IDENT.match(s)), repr(s)


def test_escapes_are_the_regex_s(samples: list[str]) -> None:
    for s in samples:
        expected = '"' + _NEEDS_ESCAPE.sub(lambda m: _ESCAPES.get(m.group(), "\\${"), s) + '"'
        assert escape_string(s) == expected, repr(s)


@pytest.mark.parametrize(
    ("name", "shown"),
    [("a", "a"), ("if", '"if"'), ("a-b'c_", "a-b'c_"), ("1a", '"1a"'), ("", '""'), ("é", '"é"')],
)
def test_attribute_names(name: str, shown: str) -> None:
    assert attr_name(name) == shown
