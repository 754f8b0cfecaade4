"""lex23: `front_end._has_pipe` (from each `|`) answers what two searches of
`|>` and `<|` answered, and the pipe operator is still found and refused."""

from __future__ import annotations

import random

import pytest

from evaluator.front_end import _first_pipe, _has_pipe
from evaluator.syntax import parse


def _by_two_searches(text: bytes, lo: int, hi: int) -> bool:
    return text.find(b"|>", lo, hi) >= 0 or text.find(b"<|", lo, hi) >= 0


def test_has_pipe_equals_two_searches_on_random_text() -> None:
    rng = random.Random(23)
    for _ in range(20000):
        text = bytes(rng.choice(b"<|>a") for _ in range(rng.randrange(0, 9)))
        lo = rng.randrange(0, len(text) + 1)
        hi = rng.randrange(lo, len(text) + 1)
        assert _has_pipe(text, lo, hi) == _by_two_searches(text, lo, hi), (text, lo, hi)


@pytest.mark.parametrize(
    ("source", "found"),
    [
        (b"a || b", None),
        (b"x |> f", 2),
        (b"f <| x", 2),
        (b'"|>" + "<|"', None),
        (b"(a || b) |> f", 9),
        (b"[ (a|>b) ]", 4),
    ],
)
def test_first_pipe(source: bytes, found: int | None) -> None:
    result = parse(source)
    assert not result.errors
    assert _first_pipe(result.root, source) == found
