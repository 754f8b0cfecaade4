"""String builtins: `toString`, length and slicing (in bytes, as Nix), joining, replacing.

Nix strings are byte strings. Ours are Python ``str``; a string holding bytes
that are not valid UTF-8 (e.g. half of a character cut by `substring`)
keeps them as lone surrogates (Python's ``surrogateescape``), so that
lengths and offsets can be computed in UTF-8 bytes exactly as Nix does.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from functools import lru_cache
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import (
    argument_error,
    charge,
    element_error,
    evaluate_plain,
    frame_of,
)
from evaluator.vm import ops
from evaluator.vm.errors import EvalTypeError, NixError
from evaluator.vm.values import CtxStr, Frame, NixList, Thunk, context_of, make_str


def to_bytes(s: str) -> bytes:
    """The UTF-8 bytes of a Nix string (invalid bytes kept as they were)."""
    return s.encode("utf-8", "surrogateescape")


def from_bytes(b: bytes) -> str:
    """A Nix string from bytes (invalid UTF-8 kept as lone surrogates)."""
    return b.decode("utf-8", "surrogateescape")


def byte_length(s: str) -> int:
    """The length of a Nix string in bytes."""
    if s.isascii():
        return len(s)
    return len(to_bytes(s))


# Nix 2.26 compares the start, cast to a C `unsigned int`, with the length.
_UINT = 1 << 32


@builtin("toString", 1, global_=True)
def to_string(v: Any) -> Any:
    """`toString x`: `x` as a string; numbers, Booleans, null, paths and lists are converted."""
    if type(v) is Thunk and v.code is None:
        v = v.value
    t = type(v)
    if t is str or t is CtxStr:
        return v
    if t is int:
        return str(v)
    if t is bool:
        return "1" if v else ""
    if v is None:
        return ""
    return _to_string(v)


@frame_of("toString")
def _to_string(v: Any) -> Frame:
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)  # Nix adds no entry for this
    t = type(v)
    if t is str or t is int or t is CtxStr or t is bool or v is None:
        return to_string(v)  # (as the plain path: no `coerce_to_string` generator)
    try:
        return (yield from ops.coerce_to_string(v, coerce_more=True, copy_to_store=False))
    except NixError as err:
        # A value that cannot be coerced, or any failure in a list's elements
        # (not in what `__toString` returns).
        if type(err) is EvalTypeError or type(v) is NixList:
            argument_error(err, 0, "toString")
        raise


@builtin("stringLength", 1)
def string_length(s: Any) -> Any:
    """`stringLength s`: the length of `s` in bytes."""
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(s) is str or type(s) is CtxStr:
        return byte_length(s)
    return _string_length(s)


@frame_of("stringLength")
def _string_length(s: Any) -> Frame:
    s = yield from ops.coerce_to_string(s)
    return byte_length(s)


@builtin("substring", 3)
def substring(start: Any, length: Any, s: Any) -> Any:
    """`substring start len s`: the bytes of `s` from `start`, at most `len` (to the end if
    `len` is negative)."""
    if type(start) is Thunk and start.code is None:
        start = start.value
    if type(length) is Thunk and length.code is None:
        length = length.value
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(start) is int and type(length) is int and (type(s) is str or type(s) is CtxStr):
        if 0 <= start < _UINT:
            return _slice(start, length, s)
    return _substring(start, length, s)


@frame_of("substring")
def _substring(start: Any, length: Any, s: Any) -> Frame:
    start = yield from ops.force_int(start)
    length = yield from ops.force_int(length)
    s = yield from ops.coerce_to_string(s)
    if start < 0:
        raise NixError("negative start position in 'substring'")
    if start >= _UINT:
        size = byte_length(s)
        if start % _UINT < size:
            # The start's low 32 bits are within the string, the start is not.
            raise NixError(
                f"basic_string_view::substr: __pos (which is {start}) > __size (which is {size})"
            )
        return make_str("", context_of(s))
    return _slice(start, length, s)


def _slice(start: int, length: int, s: str) -> str:
    """The bytes of ``s`` from ``start`` (not negative), at most ``length`` (to the
    end if ``length`` is negative: Nix reads it as a `size_t`)."""
    if type(s) is str:
        ctx = None
        plain = s
    else:
        ctx = context_of(s)
        plain = str.__str__(s)
    if plain.isascii():
        size = len(plain)
        if start >= size:
            return make_str("", ctx)
        end = size if length < 0 else start + length
        return make_str(plain[start:end], ctx)
    raw = to_bytes(plain)
    if start >= len(raw):
        return make_str("", ctx)
    end = len(raw) if length < 0 else start + length
    return make_str(from_bytes(raw[start:end]), ctx)


@builtin("concatStringsSep", 2)
def concat_strings_sep(sep: Any, xs: Any) -> Any:
    """`concatStringsSep sep list`: the strings of `list` joined with `sep` between them."""
    if type(sep) is Thunk and sep.code is None:
        sep = sep.value
    if type(xs) is Thunk and xs.code is None:
        xs = xs.value
    if type(sep) is str and type(xs) is NixList:
        # Evaluated strings without context (the common case): joined at once.
        parts = _strings(xs)
        if parts is not None:
            out = sep.join(parts)
            charge(len(out))
            return out
    return _concat_strings_sep(sep, xs)


@frame_of("concatStringsSep")
def _concat_strings_sep(sep: Any, xs: Any) -> Frame:
    if type(sep) is not str:
        sep = yield from ops.force_string(sep)
    if type(xs) is not NixList:
        if type(xs) is Thunk:  # (forced here: no `ops.force_list` generator)
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            xs = yield from ops.force_list(xs)  # (its error)
    parts: list[str] = []
    ctx = set(context_of(sep))
    for x in xs:
        if type(x) is Thunk and x.code is None:
            x = x.value
        if type(x) is str:
            parts.append(x)
            continue
        try:
            if type(x) is Thunk:  # forced here: no generator of `coerce_to_string` for a string
                x = x.value if x.code is None else (yield x)
            s = x if type(x) is str else (yield from ops.coerce_to_string(x))
        except EvalTypeError as err:
            element_error(err, "one element of the list of strings to concat", "concatStringsSep")
            raise
        if type(s) is CtxStr:
            ctx |= s.context
        parts.append(str.__str__(s))
    out = str.__str__(sep).join(parts)
    charge(len(out))
    return make_str(out, frozenset(ctx))


@lru_cache(maxsize=256)
def _replacer(pats: tuple[str, ...]) -> tuple[re.Pattern[str], dict[str, int]]:
    """One regex trying the patterns in order at each position, and pattern -> index."""
    index = {p: i for i, p in reversed(list(enumerate(pats)))}
    return re.compile("|".join(re.escape(p) for p in pats)), index


@builtin("replaceStrings", 3)
def replace_strings(from_: Any, to: Any, s: Any) -> Any:
    """`replaceStrings from to s`: `s` with each occurrence of a string of `from` replaced by
    the string at the same index of `to` (scanning left to right, first match wins)."""
    if type(from_) is Thunk and from_.code is None:
        from_ = from_.value
    if type(to) is Thunk and to.code is None:
        to = to.value
    if type(s) is Thunk:
        # (`toUpper x` of a list's element: often plain code, run here, not
        # in a frame; unobservable, see `evaluate_plain`.)
        if s.code is None or evaluate_plain(s):
            s = s.value
    if (
        type(from_) is NixList
        and type(to) is NixList
        and type(s) is str
        and len(from_) == len(to)
        and from_
    ):
        # Evaluated plain patterns and string (the common case), replacements
        # evaluated where they match (`toUpper` leaves most unevaluated): no frame.
        last = _last_patterns
        pats, occurs = last[1:] if from_ is last[0] else _remember_patterns(from_)
        if pats is not None:
            if occurs is not None and occurs(s) is None:
                return _unchanged(s)  # (no replacement read, none built)
            reps = [r.value if type(r) is Thunk and r.code is None else r for r in to]
            result = _replace_evaluated(s, pats, reps, s)
            if result is not None:
                return result
    return _replace_strings(from_, to, s)


# The last pattern list found all evaluated strings, and those strings: the
# same list comes again and again (`toUpper` is `replaceStrings lowerChars
# upperChars`), and a list and its evaluated elements never change. (One
# tuple, read once: threads see a list with its own strings.)
# With them, their `search` (see `_searcher`).
_last_patterns: tuple[NixList | None, list[Any] | None, Any] = (None, None, None)


def _remember_patterns(from_: NixList) -> tuple[list[Any] | None, Any]:
    global _last_patterns
    pats = _strings(from_)
    if pats is None:
        return None, None
    occurs = _searcher(pats)
    _last_patterns = (from_, pats, occurs)
    return pats, occurs


def _searcher(pats: list[str]) -> Callable[[str], Any] | None:
    """``search`` with ``search(text)`` not None where one of ``pats`` (a list
    that is not empty) occurs in ``text``; None if one is empty (it occurs everywhere)."""
    if "" in pats:
        return None
    return _replacer(tuple(pats))[0].search


def _unchanged(s: Any) -> Any:
    """``s``, where no pattern occurs: what the replacement would give (charged alike)."""
    if len(s) > 4096:
        charge(len(s))
    return s


def _strings(xs: NixList) -> list[Any] | None:
    """The elements of ``xs`` if all are evaluated strings without context."""
    out: list[Any] = []
    for x in xs:
        if type(x) is Thunk:
            if x.code is not None:
                return None
            x = x.value
        if type(x) is not str:
            return None
        out.append(x)
    return out


@frame_of("replaceStrings")
def _replace_strings(from_: Any, to: Any, s: Any) -> Frame:
    if type(from_) is not NixList:
        from_ = yield from ops.force_list(from_)
    if type(to) is not NixList:
        to = yield from ops.force_list(to)
    if len(from_) != len(to):
        raise NixError(
            "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths"
        )
    # (An all-evaluated pattern list's strings, remembered: as `replace_strings`.)
    last = _last_patterns
    pats: Any = last[1] if from_ is last[0] else _remember_patterns(from_)[0]
    if pats is None:
        pats = []
        for p in from_:
            if type(p) is Thunk and p.code is None:
                p = p.value  # (evaluated: no frame for `force_string`)
            if type(p) is not str:
                try:
                    p = str.__str__((yield from ops.force_string(p)))
                except NixError as err:  # (any error, as Nix's forceString adds it)
                    element_error(err, "one of the strings to replace", "replaceStrings")
                    raise
            pats.append(p)
    if type(s) is Thunk:
        s = s.value if s.code is None else (yield s)  # (no `force_string` generator)
    if type(s) is not str:
        s = yield from ops.force_string(s)
    if not pats:
        return s
    text = str.__str__(s)
    occurs = last[2] if pats is last[1] else _searcher(pats)
    if occurs is not None and occurs(text) is None:
        return _unchanged(s)  # (no replacement read, none built)
    reps: list[Any] = [r.value if type(r) is Thunk and r.code is None else r for r in to]
    result = _replace_evaluated(text, pats, reps, s)
    if result is not None:
        return result
    # Nix forces a replacement only when its pattern matches.
    used: set[int] = set()
    _replace(text, pats, [""] * len(pats), used)
    for i in used:
        if type(reps[i]) is not str:
            try:
                reps[i] = yield from ops.force_string(reps[i])
            except NixError as err:
                element_error(err, "one of the replacement strings", "replaceStrings")
                raise
    return _replace(text, pats, reps, set(), s)


def _replace_evaluated(text: str, pats: list[str], reps: list[Any], s: Any) -> Any:
    """``s`` (whose text is ``text``) with the replacements, if each one whose
    pattern matches is a string value (the others are never forced); else
    ``None``: a matching replacement is to be forced (or is no string)."""
    if all(type(r) is str for r in reps):
        return _replace(text, pats, reps, set(), s)
    used: set[int] = set()
    unchanged = _replace(text, pats, [""] * len(pats), used, s)
    if not used:
        return unchanged  # nothing matched: no replacement read
    for i in used:
        t = type(reps[i])
        if t is not str and t is not CtxStr:
            return None
    return _replace(text, pats, reps, set(), s)


def _replace(text: str, pats: list[str], reps: list[Any], used: set[int], s: Any = "") -> Any:
    """``text`` with the replacements; ``used`` collects the indices that matched."""
    if "" not in pats:
        if len(pats) == 1:
            # One pattern: str.replace scans left to right the same way.
            p = pats[0]
            if p not in text:
                return s
            out = text.replace(p, str.__str__(reps[0]))
            used.add(0)
        else:
            regex, index = _replacer(tuple(pats))

            def replacement(m: re.Match[str]) -> str:
                i = index[m.group(0)]
                used.add(i)
                return str.__str__(reps[i])

            out = regex.sub(replacement, text)
    else:
        out = _replace_with_empty(text, pats, reps, used)
    ctx = context_of(s)
    for i in used:
        r = reps[i]
        if isinstance(r, CtxStr):
            ctx = ctx | r.context
    if len(out) > 4096:
        charge(len(out))
    return make_str(out, ctx)


def _replace_with_empty(text: str, pats: list[str], reps: list[Any], used: set[int]) -> str:
    """The scan of Nix's replaceStrings, byte by byte (an empty pattern matches everywhere)."""
    # Work on one character per byte (latin-1 view of the UTF-8 bytes).
    data = to_bytes(text).decode("latin-1")
    bpats = [to_bytes(p).decode("latin-1") for p in pats]
    # (A replacement never used may be left unforced.)
    breps = [to_bytes(str.__str__(r)).decode("latin-1") if isinstance(r, str) else "" for r in reps]
    out: list[str] = []
    p = 0
    n = len(data)
    while p <= n:
        for i, pat in enumerate(bpats):
            if data.startswith(pat, p):
                used.add(i)
                out.append(breps[i])
                if pat:
                    p += len(pat)
                else:
                    if p < n:
                        out.append(data[p])
                    p += 1
                break
        else:
            if p < n:
                out.append(data[p])
            p += 1
    return from_bytes("".join(out).encode("latin-1"))
