"""The compiler never crashes: deep nesting, broken and random input."""

from __future__ import annotations

import random
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from evaluator.compiler import analyse
from evaluator.syntax import parse

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib" / "lib"

# Deep enough to break any recursive walk (default recursion limit 1000),
# within what the parser accepts.
DEPTH = 2000
DEEP = {
    "let": "let a = 1; in " * DEPTH + "a",
    "lambda": "x: " * DEPTH + "x",
    "with": "with {}; " * DEPTH + "x",
    "rec": "rec { a = " * 1500 + "a" + "; }" * 1500,
    "list": "[" * DEPTH + "]" * DEPTH,
    "path": "{ " + ".".join(["a"] * 1200) + " = 1; }",
    "merge": "{ a = " * 1500 + "{ }" + "; a.b = 1; }" * 1500,
}


@pytest.mark.parametrize("kind", sorted(DEEP))
def test_deep_nesting(kind: str) -> None:
    result = parse(DEEP[kind])
    analysis = analyse(result)
    assert not [d for d in analysis.diagnostics if d.code == "undefined-variable"]


def test_deep_with_resolves_through_every_with() -> None:
    analysis = analyse(parse(DEEP["with"]))
    x = analysis.resolved.vars[-1]
    assert analysis.is_with_resolved(x)
    assert len(x.resolution.withs) == DEPTH  # type: ignore[union-attr]


def test_too_deep_is_a_syntax_error_not_a_crash() -> None:
    analysis = analyse(parse("(" * 20_000 + "1" + ")" * 20_000))
    assert any(d.code == "syntax-error" for d in analysis.diagnostics)


def test_truncated_real_files() -> None:
    rng = random.Random(3)
    files = sorted(LIB.glob("*.nix"))
    for path in rng.sample(files, 8):
        source = path.read_bytes()
        for _ in range(4):
            cut = rng.randrange(len(source))
            analysis = analyse(parse(source[:cut]))
            analysis.visible_names(cut // 2)
            analysis.definition_at(cut // 3)


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet="{}[]();:.=?@,\"'$ abcxy12\n#/*+-!<>\\r", max_size=80))
def test_random_token_soup(text: str) -> None:
    analysis = analyse(parse(text))
    for offset in range(0, len(text.encode()) + 1, 7):
        analysis.binding_at(offset)
        analysis.scope_at(offset)
