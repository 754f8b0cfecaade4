"""String builtins: `toString`, length and slicing (in bytes, as Nix), joining, replacing.

Nix strings are byte strings. Ours are Python ``str``; a string holding bytes
that are not valid UTF-8 (e.g. half of a character cut by `substring`)
keeps them as lone surrogates (Python's ``surrogateescape``), so that
lengths and offsets can be computed in UTF-8 bytes exactly as Nix does.
"""

from __future__ import annotations

import re
from functools import lru_cache
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import argument_error, charge, element_error
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


def _int32(n: int) -> int:
    # Nix 2.8 reads substring's arguments into a C `int`.
    return ((n + (1 << 31)) & 0xFFFFFFFF) - (1 << 31)


@builtin("toString", 1, global_=True)
def to_string(v: Any) -> Frame:
    """`toString x`: `x` as a string; numbers, Booleans, null, paths and lists are converted."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)  # Nix adds no entry for this
    try:
        return (yield from ops.coerce_to_string(v, coerce_more=True, copy_to_store=False))
    except NixError as err:
        # A value that cannot be coerced, or any failure in a list's elements
        # (not in what `__toString` returns).
        if type(err) is EvalTypeError or type(v) is NixList:
            argument_error(err, 0, "toString")
        raise


@builtin("stringLength", 1)
def string_length(s: Any) -> Frame:
    """`stringLength s`: the length of `s` in bytes."""
    s = yield from ops.coerce_to_string(s)
    return byte_length(s)


@builtin("substring", 3)
def substring(start: Any, length: Any, s: Any) -> Frame:
    """`substring start len s`: the bytes of `s` from `start`, at most `len` (to the end if
    `len` is negative)."""
    start = _int32((yield from ops.force_int(start)))
    length = _int32((yield from ops.force_int(length)))
    s = yield from ops.coerce_to_string(s)
    if start < 0:
        raise NixError("negative start position in 'substring'")
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
def concat_strings_sep(sep: Any, xs: Any) -> Frame:
    """`concatStringsSep sep list`: the strings of `list` joined with `sep` between them."""
    sep = yield from ops.force_string(sep)
    xs = yield from ops.force_list(xs)
    parts: list[str] = []
    ctx = set(context_of(sep))
    for x in xs:
        try:
            s = yield from ops.coerce_to_string(x)
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
def replace_strings(from_: Any, to: Any, s: Any) -> Frame:
    """`replaceStrings from to s`: `s` with each occurrence of a string of `from` replaced by
    the string at the same index of `to` (scanning left to right, first match wins)."""
    if type(from_) is not NixList:
        from_ = yield from ops.force_list(from_)
    if type(to) is not NixList:
        to = yield from ops.force_list(to)
    if len(from_) != len(to):
        raise NixError(
            "'from' and 'to' arguments passed to builtins.replaceStrings have different lengths"
        )
    pats: list[str] = []
    for p in from_:
        if type(p) is not str:
            try:
                p = str.__str__((yield from ops.force_string(p)))
            except EvalTypeError as err:
                element_error(err, "one of the strings to replace", "replaceStrings")
                raise
        pats.append(p)
    if type(s) is not str:
        s = yield from ops.force_string(s)
    if not pats:
        return s
    text = str.__str__(s)
    reps: list[Any] = list(to)
    if any(type(r) is not str for r in reps):
        # Nix forces a replacement only when its pattern matches.
        used: set[int] = set()
        _replace(text, pats, [""] * len(pats), used)
        for i in used:
            if type(reps[i]) is not str:
                reps[i] = yield from ops.force_string(reps[i])
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
