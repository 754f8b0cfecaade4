"""The front end's regular expressions, compiled when the package is made.

`re.compile` runs `re`'s compiler, which is Python code: the lexer's token
scan alone costs some 9 M instructions to compile, the lexer's patterns
together ~12 M, paid by every process that parses (2–3% of a cold
evaluation of nixpkgs lib). What that compiler produces for a pattern is a
program for `_sre` (a list of integers), fixed for a given `_sre.MAGIC`:
:mod:`evaluator.syntax.regex_codes` holds the programs of the patterns
made with :func:`compiled`, and :func:`compiled` hands one to
`_sre.compile` (the call `re.compile` ends with). A pattern not there, or
another `_sre` version, is compiled by `re` as before; the two give equal
pattern objects (a test checks it, and that the file is current).

Regenerate after changing a pattern: ``python -m evaluator.syntax.make_tables``.
"""

from __future__ import annotations

import _sre
import re
import zlib
from array import array
from binascii import a2b_base64

from evaluator.syntax import regex_codes

# Every pattern asked for in this process (what the generator writes).
ASKED: list[bytes] = []


def key(pattern: bytes) -> tuple[int, int]:
    return (len(pattern), zlib.crc32(pattern))


def compiled(pattern: bytes) -> re.Pattern[bytes]:
    """``re.compile(pattern)``, from the stored program when there is one."""
    ASKED.append(pattern)
    entry = regex_codes.CODES.get(key(pattern)) if regex_codes.MAGIC == _sre.MAGIC else None
    if entry is not None:
        flags, code, groups = entry
        program = array("I", a2b_base64(code)).tolist()
        try:  # no named groups: names by number all None
            found: re.Pattern[bytes] = _sre.compile(
                pattern, flags, program, groups, {}, (None,) * (groups + 1)
            )
            return found
        except (TypeError, ValueError, RuntimeError):  # `_sre` refused it: compile
            pass
    return re.compile(pattern)
