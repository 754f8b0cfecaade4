"""`match` and `split`: POSIX extended regular expressions, as C++ Nix 2.8 runs them.

Nix compiles patterns with ``std::regex::extended`` (libstdc++) and matches
bytes. We translate each pattern to Python's ``re`` syntax and match the
UTF-8 bytes of the subject viewed as Latin-1 text, so that ``.`` is one
byte as in Nix. Differences handled by the translation:

* Only the escapes ``\\.[()*+?{|^$\\`` exist (``\\d``, ``\\w``, ``\\]`` are
  errors); inside brackets a backslash is an ordinary character, ``]``
  first is literal, and classes (``[:alpha:]``), collating elements
  (``[.a.]``) and equivalence classes (``[=a=]``) use the C locale.
* ``.`` and ``[^...]`` match a newline; ``$`` is only the end of the
  subject (Python's also matches before a final newline).
* Stacked quantifiers (``a**``, ``a+?``) repeat the repetition (Python
  would read ``a+?`` as lazy and ``a++`` as possessive).
* `match` must match the whole subject. For `split` (a search), libstdc++
  tries both sides of every ``|`` and keeps the longest match, where
  Python's backtracking keeps the first: for patterns with ``|`` we look for
  the longest match explicitly. Capture groups come from the first
  backtracking path to that end, as in libstdc++.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import Frame, NixList

_ESCAPABLE = set(".[()*+?{|^$\\")

_CLASSES = {
    "alnum": "0-9A-Za-z",
    "alpha": "A-Za-z",
    "blank": " \\t",
    "cntrl": "\\x00-\\x1f\\x7f",
    "digit": "0-9",
    "d": "0-9",
    "graph": "\\x21-\\x7e",
    "lower": "a-z",
    "print": "\\x20-\\x7e",
    "punct": "!-/:-@\\[-`{-~",
    "space": " \\t\\n\\x0b\\x0c\\r",
    "s": " \\t\\n\\x0b\\x0c\\r",
    "upper": "A-Z",
    "xdigit": "0-9A-Fa-f",
    "w": "0-9A-Za-z_",
}

_COLLATING_NAMES = {"space": " ", "tab": "\t", "newline": "\n", "NUL": "\0"}


class RegexSyntaxError(Exception):
    """The pattern is not a valid POSIX extended regular expression."""


def _char(c: str) -> str:
    """One character as a Python regex atom (usable inside brackets too)."""
    if c.isalnum() and c.isascii():
        return c
    return f"\\x{ord(c):02x}"


def _bracket(p: str, i: int) -> tuple[str, int]:
    """Translate the bracket expression starting after ``[`` at ``i``; returns (class, end)."""
    n = len(p)
    negate = False
    if i < n and p[i] == "^":
        negate = True
        i += 1
    items: list[str] = []
    first = True
    # The previous item, when it can start a range: a single character.
    prev_char: str | None = None
    after_range = False
    while True:
        if i >= n:
            raise RegexSyntaxError
        c = p[i]
        if c == "]" and not first:
            i += 1
            break
        first = False
        if c == "[" and i + 1 < n and p[i + 1] in ":.=":
            kind = p[i + 1]
            end = p.find(kind + "]", i + 2)
            if end < 0:
                raise RegexSyntaxError
            name = p[i + 2 : end]
            i = end + 2
            if kind == ":":
                if name not in _CLASSES:
                    raise RegexSyntaxError
                items.append(_CLASSES[name])
                prev_char = None
                after_range = True  # a class cannot start a range
                continue
            if len(name) == 1 and name != "-":
                ch = name
            elif kind == "." and name in _COLLATING_NAMES:
                ch = _COLLATING_NAMES[name]
            else:
                raise RegexSyntaxError
            items.append(_char(ch))
            prev_char = ch
            after_range = False
            continue
        if c == "-" and i + 1 < n and p[i + 1] != "]" and items:
            # A range: the previous item must be a single character.
            if prev_char is None or after_range:
                raise RegexSyntaxError
            hi = p[i + 1]
            if hi == "[" and i + 2 < n and p[i + 2] in ".=":
                kind = p[i + 2]
                end = p.find(kind + "]", i + 3)
                if end < 0:
                    raise RegexSyntaxError
                hi = p[i + 3 : end]
                if len(hi) != 1:
                    raise RegexSyntaxError
                i = end + 2
            else:
                i += 2
            if ord(hi) < ord(prev_char):
                raise RegexSyntaxError
            items[-1] = f"{_char(prev_char)}-{_char(hi)}"
            prev_char = None
            after_range = True
            continue
        items.append(_char(c))
        prev_char = c
        after_range = False
        i += 1
    return ("[^" if negate else "[") + "".join(items) + "]", i


@lru_cache(maxsize=512)
def translate(pattern: str) -> tuple[str, bool]:
    """A POSIX ERE (as Latin-1 text) in Python syntax, and whether it has ``|``.

    Raises :class:`RegexSyntaxError` for patterns libstdc++ rejects.
    """
    out: list[str] = []
    groups: list[int] = []  # output index of each open group
    atom_start = -1  # output index where the last quantifiable item starts
    quantified = False  # whether that item already has a quantifier
    has_alt = False
    p = pattern
    n = len(p)
    i = 0
    while i < n:
        c = p[i]
        if c == "\\":
            if i + 1 >= n or p[i + 1] not in _ESCAPABLE:
                raise RegexSyntaxError
            atom_start, quantified = len(out), False
            out.append(_char(p[i + 1]))
            i += 2
            continue
        if c == "[":
            cls, i = _bracket(p, i + 1)
            atom_start, quantified = len(out), False
            out.append(cls)
            continue
        if c == "(":
            groups.append(len(out))
            out.append("(")
            atom_start = -1
            i += 1
            continue
        if c == ")":
            if not groups:
                raise RegexSyntaxError
            atom_start, quantified = groups.pop(), False
            out.append(")")
            i += 1
            continue
        if c == "|":
            has_alt = True
            out.append("|")
            atom_start = -1
            i += 1
            continue
        if c in "*+?{":
            if atom_start < 0:
                raise RegexSyntaxError
            if c == "{":
                end = p.find("}", i)
                m = re.fullmatch(r"(\d+)(,(\d*))?", p[i + 1 : end]) if end > 0 else None
                if m is None:
                    raise RegexSyntaxError
                lo = int(m.group(1))
                if m.group(3):
                    if int(m.group(3)) < lo:
                        raise RegexSyntaxError
                    quant = f"{{{lo},{int(m.group(3))}}}"
                elif m.group(2):
                    quant = f"{{{lo},}}"
                else:
                    quant = f"{{{lo}}}"
                i = end + 1
            else:
                quant = c
                i += 1
            if quantified:
                # Repeat the repetition; Python would read `+?` as lazy.
                out[atom_start:] = ["(?:" + "".join(out[atom_start:]) + ")"]
            out.append(quant)
            quantified = True
            continue
        if c == "^":
            out.append("^")
            atom_start = -1
            i += 1
            continue
        if c == "$":
            out.append(r"\Z")
            atom_start = -1
            i += 1
            continue
        atom_start, quantified = len(out), False
        out.append("." if c == "." else _char(c))
        i += 1
    if groups:
        raise RegexSyntaxError
    return "".join(out), has_alt


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> tuple[re.Pattern[str], bool]:
    """The compiled translation of a Nix regex (given as Nix string text)."""
    latin = _latin(pattern)
    try:
        source, has_alt = translate(latin)
        return re.compile(source, re.DOTALL), has_alt
    except (RegexSyntaxError, re.error, OverflowError, RecursionError):
        raise NixError(f"invalid regular expression '{pattern}'") from None


def _latin(s: str) -> str:
    """The UTF-8 bytes of ``s`` as Latin-1 text (one character per byte)."""
    if s.isascii():
        return s
    return s.encode("utf-8", "surrogateescape").decode("latin-1")


def _unlatin(s: str) -> str:
    if s.isascii():
        return s
    return s.encode("latin-1").decode("utf-8", "surrogateescape")


def _groups(m: re.Match[str]) -> NixList:
    return NixList(None if g is None else _unlatin(g) for g in m.groups())


def _max_width(rx: re.Pattern[str]) -> int:
    """An upper bound of the length of a match (large for unbounded patterns)."""
    try:
        return int(re._parser.parse(rx.pattern, rx.flags).getwidth()[1])  # type: ignore[attr-defined]
    except Exception:  # pragma: no cover - private API changed: assume unbounded
        return 1 << 62


def _longest_at(rx: re.Pattern[str], text: str, start: int, shortest: int) -> re.Match[str] | None:
    """The longest match starting at ``start`` ending after ``start + shortest``, if any."""
    top = min(len(text), start + _max_width(rx))
    for end in range(top, start + shortest, -1):
        m = rx.fullmatch(text, start, end)
        if m is not None:
            return m
    return None


def _search(rx: re.Pattern[str], has_alt: bool, text: str, pos: int) -> re.Match[str] | None:
    """The leftmost match at or after ``pos`` (longest among alternatives, as libstdc++)."""
    m = rx.search(text, pos)
    if m is None or not has_alt:
        return m
    return _longest_at(rx, text, m.start(), m.end() - m.start()) or m


def _non_empty_at(rx: re.Pattern[str], has_alt: bool, text: str, pos: int) -> re.Match[str] | None:
    """A non-empty match starting exactly at ``pos`` (after an empty match there)."""
    m = rx.match(text, pos)
    if m is not None and m.end() > pos:
        return _longest_at(rx, text, pos, m.end() - pos) or m if has_alt else m
    if has_alt:
        return _longest_at(rx, text, pos, 0)
    return None


@builtin("match", 2)
def match(regex: Any, s: Any) -> Frame:
    """`match regex s`: null if the POSIX extended `regex` does not match all of `s`, else the
    list of its capture groups (null for a group that did not take part)."""
    regex = yield from ops.force_string(regex)
    s = yield from ops.force_string(s)
    rx, _ = compile_regex(str.__str__(regex))
    m = rx.fullmatch(_latin(str.__str__(s)))
    if m is None:
        return None
    return _groups(m)


@builtin("split", 2)
def split(regex: Any, s: Any) -> Frame:
    """`split regex s`: `s` cut at every match of `regex`: the pieces between matches,
    alternating with the list of each match's capture groups."""
    regex = yield from ops.force_string(regex)
    s = yield from ops.force_string(s)
    rx, has_alt = compile_regex(str.__str__(regex))
    text = _latin(str.__str__(s))
    n = len(text)
    out = NixList()
    last = 0
    # The iteration of std::regex_iterator: after an empty match, first a
    # non-empty match at the same place, else search again one byte later.
    m = _search(rx, has_alt, text, 0)
    while m is not None:
        out.append(_unlatin(text[last : m.start()]))
        out.append(_groups(m))
        last = m.end()
        if m.end() > m.start():
            m = _search(rx, has_alt, text, m.end())
        elif m.end() >= n:
            break
        else:
            m = _non_empty_at(rx, has_alt, text, m.end()) or _search(rx, has_alt, text, m.end() + 1)
    out.append(_unlatin(text[last:]))
    return out
