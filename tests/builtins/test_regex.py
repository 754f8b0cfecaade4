"""`match` and `split` against outputs recorded from nix-instantiate 2.8.0.

The fixture (fixtures/regex.json, made by record.py) covers POSIX-vs-Python
differences: anchoring, escapes, brackets, classes, stacked quantifiers,
alternation (longest match), empty matches, bytes vs characters, errors.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.builtins import regex
from evaluator.vm.errors import NixError
from tests.builtins.driver import run
from tests.builtins.nixtext import show, string_args

CASES = json.loads((Path(__file__).parent / "fixtures" / "regex.json").read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["expr"] for c in CASES])
def test_regex_case(case: dict[str, str]) -> None:
    name, (pattern, subject) = string_args(case["expr"])
    fn = regex.match if name == "match" else regex.split
    try:
        got = show(run(fn(pattern, subject)))
    except NixError as e:
        got = f"error: {e.message}"
    assert got == case["out"]


def test_regex_translation_is_cached() -> None:
    regex.compile_regex("a(b)c")
    assert regex.compile_regex("a(b)c") is regex.compile_regex("a(b)c")
