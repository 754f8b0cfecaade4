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

Patterns on which backtracking may take exponential time (nested
repetition, alternatives inside a repetition) run on longer subjects in a
linear-time Pike VM (:mod:`evaluator.builtins.pikevm`) that finds the same
matches and yields to the evaluation loop, so budgets and cancellation
still apply.
"""

from __future__ import annotations

import re
from functools import lru_cache
from itertools import repeat
from typing import Any

from evaluator.builtins import pikevm
from evaluator.builtins.registry import builtin
from evaluator.builtins.support import frame_of
from evaluator.vm import ops, walk
from evaluator.vm.errors import NixError
from evaluator.vm.values import Frame, NixList, Thunk

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


# Subjects up to this length always go to Python's `re` (fast even when
# its backtracking is exponential in the length).
_SMALL_SUBJECT = 24


class Regex:
    """A compiled Nix regex: Python's `re` pattern, plus a linear-time matcher
    for patterns on which backtracking may blow up (see :mod:`.pikevm`).

    The matching methods are generator frames (they may yield to the loop).
    """

    def __init__(self, source: str, has_alt: bool) -> None:
        self.rx = re.compile(source, re.DOTALL)
        self.has_alt = has_alt
        tree = pikevm.parse(source)
        self.min_width, self.max_width = (int(w) for w in tree.getwidth())
        self.pike = pikevm.PikeRegex(source) if pikevm.is_dangerous(tree) else None
        # Finding the longest alternative by trying every end with `re` costs
        # the rest of the subject per match; the Pike VM stops when its
        # threads die, so it serves unbounded patterns with alternatives.
        self.pike_longest = self.pike
        if self.pike_longest is None and has_alt and self.max_width > _SMALL_SUBJECT:
            self.pike_longest = pikevm.PikeRegex(source)

    def _slow(self, text: str) -> pikevm.PikeRegex | None:
        return self.pike if len(text) > _SMALL_SUBJECT else None

    def fast(self, text: str) -> bool:
        """Whether Python's engine matches ``text`` (no frame needed)."""
        return self._slow(text) is None

    def fullmatch(self, text: str) -> Frame:
        """The match of the whole subject, or None."""
        pike = self._slow(text)
        if pike is None:
            return self.rx.fullmatch(text)
        return (yield from pike.run(text, 0, len(text), anchored=True, full=True))

    def search(self, text: str, pos: int) -> Frame:
        """The leftmost match at or after ``pos`` (longest among alternatives, as libstdc++)."""
        pike = self._slow(text)
        if pike is None:
            m: Any = self.rx.search(text, pos)
        else:
            m = yield from pike.run(text, pos, len(text), anchored=False, full=False)
        if m is None or not self.has_alt:
            return m
        return (yield from self._longest_at(text, m.start(), m.end() - m.start())) or m

    def non_empty_at(self, text: str, pos: int) -> Frame:
        """A non-empty match starting exactly at ``pos`` (after an empty match there)."""
        pike = self._slow(text)
        if pike is None:
            m: Any = self.rx.match(text, pos)
        else:
            m = yield from pike.run(text, pos, len(text), anchored=True, full=False)
        if m is not None and m.end() > pos:
            if not self.has_alt:
                return m
            return (yield from self._longest_at(text, pos, m.end() - pos)) or m
        if self.has_alt:
            return (yield from self._longest_at(text, pos, 0))
        return None

    def _longest_at(self, text: str, start: int, shortest: int) -> Frame:
        """The longest match at ``start`` longer than ``shortest``, if any."""
        pike = self._slow(text)
        if pike is None and self.pike_longest is not None:
            if min(len(text), start + self.max_width) - start > _SMALL_SUBJECT:
                pike = self.pike_longest
        if pike is not None:
            end = yield from pike.run(
                text, start, len(text), anchored=True, full=False, longest=True
            )
            if end <= start + shortest:
                return None
            return (yield from pike.run(text, start, end, anchored=True, full=True))
        top = min(len(text), start + self.max_width)
        for end in range(top, start + shortest, -1):
            m = self.rx.fullmatch(text, start, end)
            if m is not None:
                return m
        return None


@lru_cache(maxsize=512)
def compile_regex(pattern: str) -> Regex:
    """The compiled form of a Nix regex (given as Nix string text)."""
    latin = _latin(pattern)
    try:
        source, has_alt = translate(latin)
        return Regex(source, has_alt)
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


def _groups(m: Any) -> NixList:
    groups = m.groups()
    # Mostly ASCII groups that all took part: the tuple as it is (no generator).
    if None not in groups and "".join(groups).isascii():
        return NixList(groups)
    return NixList([None if g is None else _unlatin(g) for g in groups])


def _evaluated(regex: Any, s: Any) -> tuple[Regex, str] | None:
    """For `match` and `split` without a frame: the compiled regex and the text
    when both arguments are evaluated strings and the regex compiles; else None
    (their frame forces the arguments and reports a bad regex)."""
    if type(regex) is Thunk and regex.code is None:
        regex = regex.value
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(regex) is not str or type(s) is not str:
        return None
    try:
        return compile_regex(regex), _latin(s)
    except NixError:
        return None


@builtin("match", 2)
def match(regex: Any, s: Any) -> Any:
    """`match regex s`: null if the POSIX extended `regex` does not match all of `s`, else the
    list of its capture groups (null for a group that did not take part)."""
    at_once = _evaluated(regex, s)
    if at_once is not None and at_once[0].fast(at_once[1]):
        # Evaluated strings and a regex Python's engine runs (no frame): at once.
        m = at_once[0].rx.fullmatch(at_once[1])
        return None if m is None else _groups(m)
    return _match(regex, s)


@frame_of("match")
def _match(regex: Any, s: Any) -> Frame:
    regex = yield from ops.force_string(regex)
    s = yield from ops.force_string(s)
    rx = compile_regex(str.__str__(regex))
    m = yield from rx.fullmatch(_latin(str.__str__(s)))
    if m is None:
        return None
    return _groups(m)


@builtin("split", 2)
def split(regex: Any, s: Any) -> Any:
    """`split regex s`: `s` cut at every match of `regex`: the pieces between matches,
    alternating with the list of each match's capture groups."""
    at_once = _evaluated(regex, s)
    if at_once is not None:
        pieces = _split_plainly(*at_once)
        if pieces is not None:
            return pieces  # evaluated strings: no frame
    return _split(regex, s)


def _split_plainly(rx: Regex, text: str) -> NixList | None:
    """The pieces of :func:`split` when Python's engine runs ``rx`` on ``text``
    and its matches are never empty and take the first alternative: Python's
    iteration is then libstdc++'s (see :func:`_split`); else ``None``."""
    if rx.min_width == 0 or rx.has_alt or not rx.fast(text):
        return None
    if text.isascii():
        return _split_ascii(rx.rx, text)
    out = NixList()
    last = 0
    for m in rx.rx.finditer(text):
        if not len(out) & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY, len(out) * 8)
        out.append(_unlatin(text[last : m.start()]))
        out.append(_groups(m))
        last = m.end()
    out.append(_unlatin(text[last:]))
    return out


def _split_ascii(rx: re.Pattern[str], text: str) -> NixList:
    """:func:`_split_plainly`'s pieces of an ASCII ``text`` by `re.split` (in C:
    the pieces between the matches, each followed by its groups), checked
    against the budget as the loop over the matches would be."""
    parts = rx.split(text)
    k = rx.groups
    count = (len(parts) - 1) // (k + 1)  # (the matches)
    for size in range(0, 2 * count, walk.EVERY):
        walk.checkpoint(walk.EVERY, size * 8)
    out = NixList([None] * (2 * count + 1))
    out[0::2] = parts[0 :: k + 1]
    if k == 0:
        out[1::2] = map(NixList, repeat((), count))
    else:
        out[1::2] = [NixList(parts[i : i + k]) for i in range(1, len(parts), k + 1)]
    return out


@frame_of("split")
def _split(regex: Any, s: Any) -> Frame:
    regex = yield from ops.force_string(regex)
    s = yield from ops.force_string(s)
    rx = compile_regex(str.__str__(regex))
    text = _latin(str.__str__(s))
    plain = _split_plainly(rx, text)
    if plain is not None:
        return plain
    return (yield from _split_matches(rx, text))


def _split_matches(rx: Regex, text: str) -> Frame:
    """The pieces of :func:`split`, with the iteration of std::regex_iterator:
    after an empty match, first a non-empty match at the same place, else
    search again one byte later."""
    n = len(text)
    out = NixList()
    last = 0
    m = yield from rx.search(text, 0)
    while m is not None:
        if not len(out) & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY, len(out) * 8)
        out.append(_unlatin(text[last : m.start()]))
        out.append(_groups(m))
        last = m.end()
        if m.end() > m.start():
            m = yield from rx.search(text, m.end())
        elif m.end() >= n:
            break
        else:
            at = m.end()
            m = (yield from rx.non_empty_at(text, at)) or (yield from rx.search(text, at + 1))
    out.append(_unlatin(text[last:]))
    return out
