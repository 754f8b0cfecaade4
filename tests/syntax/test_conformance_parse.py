"""The conformance files of C++ Nix 2.8 (`tests/lang`) and nixpkgs' lib parse.

Semantic parse-fail cases (duplicate attributes or formals, undefined
variables) are the compiler's job; the two purely syntactic ones must be
rejected here with a located error.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.syntax import parse

SHARED = Path(__file__).resolve().parents[1] / "data"
LANG = SHARED / "conformance" / "nix-lang"
LIB = SHARED / "corpus" / "nixpkgs-lib" / "lib"

# parse-fail cases that are syntax errors, with the 1-based line Nix reports.
SYNTAX_FAIL = {"parse-fail-uft8": 1, "parse-fail-undef-var-2": 3}


def _names(prefix: str) -> list[str]:
    return sorted(p.stem for p in LANG.glob(f"{prefix}-*.nix"))


def test_counts() -> None:
    assert len(_names("parse-okay")) == 11
    assert len(_names("eval-okay")) == 100
    assert len(_names("parse-fail")) == 13


@pytest.mark.parametrize("name", _names("parse-okay") + _names("eval-okay"))
def test_parses(name: str) -> None:
    result = parse((LANG / f"{name}.nix").read_bytes())
    assert result.errors == []
    assert result.root is not None


@pytest.mark.parametrize("name", sorted(SYNTAX_FAIL))
def test_syntax_fail_located(name: str) -> None:
    source = (LANG / f"{name}.nix").read_bytes()
    result = parse(source)
    assert result.errors, "expected a syntax error"
    first = result.errors[0]
    assert 0 <= first.start <= first.end <= len(source)
    assert source[: first.start].count(b"\n") + 1 == SYNTAX_FAIL[name]
    assert first.message.startswith("syntax error")


def test_nixpkgs_lib_parses() -> None:
    files = sorted(LIB.rglob("*.nix"))
    assert len(files) > 200
    failures = {str(f.relative_to(LIB)): parse(f.read_bytes()).errors for f in files}
    assert {k: v for k, v in failures.items() if v} == {}
