"""Runs of path characters: the lexer's fast scan against a one-token-at-a-time
reference.

The token loop scans code with a regex whose path look-ahead is bounded to 64
bytes and hands longer runs of path characters to a slower loop (which lexes
the rest of a run without re-scanning it for paths). The reference below
matches the unbounded regex at every token, which is the definition of one
code token (and quadratic on long runs, hence not what the lexer does): both
must cut every input into the same tokens, on both sides of the bound.
"""

from __future__ import annotations

import random
import time

import pytest

from evaluator.syntax import lexer
from evaluator.syntax.lexer import lex_raw

# Group number of the unbounded regex -> token type (keywords and punctuation
# are named from their text below).
_KINDS = {
    lexer._G_PATH: "PATH",
    lexer._G_URI: "URI",
    lexer._G_FLOAT: "FLOAT",
    lexer._G_INT: "INT",
    lexer._G_CHAR: "INVALID",  # a `'` that no name takes
}


def reference(src: bytes) -> list[tuple[str, int, int]]:
    """Code-only input (no strings, braces or `${`): type and span per token."""
    out: list[tuple[str, int, int]] = []
    pos = 0
    while True:
        m = lexer._DEFAULT.match(src, pos)
        assert m is not None
        kind = m.lastindex
        if kind is None:
            return out
        start, end = m.span(kind)
        text = src[start:end].decode()
        if kind in (lexer._G_ID0, lexer._G_ID):
            out.append((lexer.KEYWORDS.get(text, "ID"), start, end))
        elif kind in (lexer._G_PUNCT0, lexer._G_PUNCT):
            out.append((lexer.PUNCT[text], start, end))
        elif kind == lexer._G_OP:
            out.append((lexer.OPERATORS[text], start, end))
        else:
            out.append((_KINDS[kind], start, end))
        pos = end


def fast(src: bytes) -> list[tuple[str, int, int]]:
    tokens, _ = lex_raw(src)
    return [(t[0], t[1], t[2]) for t in tokens[:-1]]


_PIECES = ["a", "b_", "x1", "in", "or", ".", "-", "+", "_", "c'", "1", "0.5", "e3", "/", ":", " "]


def _runs(seed: int, count: int) -> list[bytes]:
    rnd = random.Random(seed)
    out = []
    for _ in range(count):
        # a run around the look-ahead's bound of 64 bytes, then what ends it
        length = rnd.choice([rnd.randint(1, 40), rnd.randint(55, 75), rnd.randint(100, 300)])
        run = "".join(rnd.choice("ab_1.-+e") for _ in range(length))
        head = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 3)))
        tail = "".join(rnd.choice(_PIECES) for _ in range(rnd.randint(0, 4)))
        out.append((head + run + tail).encode())
    return out


@pytest.mark.parametrize("seed", range(4))
def test_fast_scan_cuts_runs_like_the_reference(seed: int) -> None:
    for src in _runs(seed, 500):
        assert fast(src) == reference(src), src


@pytest.mark.parametrize(
    "text",
    [
        "a" * 64 + "/b",  # a path whose first run is exactly the bound
        "a" * 65 + "/b",  # one byte past it
        "a." * 40 + "b/c",  # a path over a long run
        "x_" + "y" * 70 + ":z",  # a URI after the last `_` of a long run
        "1" + "a" * 70 + ":q",  # a number, then a URI
        "a." * 40 + "b'c.d/e",  # a name with `'` ends the run: then a path
        "a-" * 50 + "b" + " c",
    ],
)
def test_long_runs_like_the_reference(text: str) -> None:
    assert fast(text.encode()) == reference(text.encode())


def test_long_runs_lex_in_linear_time() -> None:
    # A run of path characters with a token every two bytes: re-scanning the
    # run at each token would be quadratic (minutes at this size).
    def seconds(size: int) -> float:
        src = b"a." * size + b"a"
        start = time.process_time()
        tokens, _ = lex_raw(src)
        assert len(tokens) == 2 * size + 2
        return time.process_time() - start

    small, large = seconds(20_000), seconds(80_000)
    assert large < 12 * max(small, 0.005)
