"""The lexer's trivia pattern (blanks as one run, then comments each followed
by blanks) skips exactly what the plain definition does: any sequence of
blanks, `#` comments and closed `/* */` comments, as far as it goes."""

from __future__ import annotations

import random
import re

from evaluator.syntax import lexer
from evaluator.syntax.lexer import lex_raw

# The definition, written the obvious way (as the lexer had it before).
_REFERENCE = re.compile(rb"(?:[ \t\r\n]++|\#[^\r\n]*+|/\*(?:[^*]++|\*(?!/))*+\*/)*+")
_FAST = re.compile(lexer._TRIVIA)
_PIECES = (b" ", b"\t", b"\n", b"\r\n", b"# c\n", b"#", b"/* c */", b"/**/", b"/* *", b"*/")
_PIECES += (b"/*", b"/", b"*", b"a", b"1", b"{", b'"s"', b"#*/\n", b"/* # */", b"''")


def test_trivia_matches_the_definition_on_random_text() -> None:
    rnd = random.Random(18)
    for _ in range(20000):
        text = b"".join(rnd.choice(_PIECES) for _ in range(rnd.randrange(12)))
        for pos in range(len(text) + 1):
            expected = _REFERENCE.match(text, pos)
            got = _FAST.match(text, pos)
            assert expected is not None and got is not None
            assert got.end() == expected.end(), (text, pos)


def test_tokens_after_comments_and_blanks() -> None:
    source = b"  # one\n /* two */\t\r\n a /**/ # x\n = 1; /* open"
    tokens, errors = lex_raw(source)
    assert [(t[0], t[1], t[2]) for t in tokens] == [
        ("ID", 22, 23),
        ("EQUALS", 34, 35),
        ("INT", 36, 37),
        ("SEMI", 37, 38),
        ("$END", 46, 46),
    ]
    assert [(e.start, e.end, e.message) for e in errors] == [(39, 46, "unterminated comment")]
