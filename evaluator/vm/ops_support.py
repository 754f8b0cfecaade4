"""Plain helpers of :mod:`evaluator.vm.ops` (no frames): the leading element
pairs `==` compares in place, a string's context as Nix prints it in
messages, and sets of classes whose membership test costs the same wherever
the classes are allocated."""

from __future__ import annotations

import sys
from collections.abc import Iterable
from types import GeneratorType
from typing import Any

from evaluator.vm import values, walk
from evaluator.vm.values import NixList, Thunk

# The classes a hot `type(x) in S` test mostly sees: the values and what
# frames return for the loop.
COMMON_TYPES = (
    int, float, str, bool, type(None), tuple, values.CtxStr, values.NixPath, NixList,
    values.Attrs, values.Closure, values.PrimOp, values.PrimOpApp, values.Unknown, Thunk,
    GeneratorType,
)  # fmt: skip


# type_set's sets by their members (the loop, the runtime and generated code
# test the same three classes: made once).
_made: dict[frozenset[type], frozenset[Any]] = {}


def type_set(members: Iterable[type], common: Iterable[type] = COMMON_TYPES) -> frozenset[Any]:
    """A frozenset holding the classes ``members`` (and small integers, which
    no ``type(x)`` is) in whose table each of ``members`` is found at the
    first slot probed, and each of ``common`` missed there or at the next.

    A class hashes by its address: in a plain frozenset of four classes (a
    table of 8 slots, probed by jumps) a missed class landing on a member's
    slot probes on, and which classes collide depends on where they were
    allocated (`int` and `str` always share `GeneratorType`'s slot there).
    Here the table is grown by integer padding, set where no tested class
    looks, until each miss stops at an empty slot, its own or (a table of
    16 slots or more probes linearly) the next; the table's size is read
    back (`getsizeof`), else a plain frozenset.
    """
    members = list(dict.fromkeys(members))
    if common is COMMON_TYPES:
        key = frozenset(members)
        if key not in _made:
            _made[key] = _padded(members, common)
        return _made[key]
    return _padded(members, common)


def _padded(members: list[type], common: Iterable[type]) -> frozenset[Any]:
    """:func:`type_set`'s set, made."""
    tested = [t for t in dict.fromkeys(common) if t not in members]
    empty = sys.getsizeof(frozenset())
    for n in (len(members), 5, 19, 77, 307, 1229):
        if n < len(members):
            continue
        size = 8 if n <= 4 else 1 << (n * 4 - 1).bit_length()  # (CPython's growth)
        looked = _looked_at(members, tested, size - 1)
        if looked is None:
            continue
        padding = [k for k in range(size) if k not in looked][: n - len(members)]
        found = frozenset([*members, *padding])
        table = (sys.getsizeof(found) - empty) // 16 or 8
        if len(padding) == n - len(members) and table == size:
            return found
    return frozenset(members)


def _looked_at(members: list[type], tested: list[type], mask: int) -> set[int] | None:
    """The slots lookups of ``members`` and ``tested`` read in a table of
    ``mask + 1`` slots (to be kept free of padding), or None if a member
    would not be in its own slot or a miss would read more than two slots."""
    homes = {hash(t) & mask for t in members}
    if len(homes) < len(members):
        return None
    looked = set(homes)
    for t in tested:
        h = hash(t) & mask
        looked.add(h)
        if h in homes:
            # (CPython probes the next slots of a table this large in turn.)
            if mask < 15 or h + 9 > mask or h + 1 in homes:
                return None
            looked.add(h + 1)
    return looked


def equal_prefix(x: NixList, y: NixList, n: int, depth: int) -> tuple[int, int]:
    """`ops.equal`'s work on the leading element pairs of two lists of one length
    that need nothing forced nor pushed (evaluated: the same value, or two
    integers, strings or Booleans), in order, each counted as a pair taken
    from the work list (the same checkpoints): ``(index of the first other
    pair, count)``, or ``(-1, count)`` at a pair found unequal."""
    if depth > walk.MAX_DEPTH:
        return 0, n  # (the work list reports it)
    mask = walk.EVERY - 1
    for i in range(len(x)):
        a = x[i]
        b = y[i]
        if type(a) is Thunk:
            if a.code is not None:
                return i, n
            a = a.value
        if type(b) is Thunk:
            if b.code is not None:
                return i, n
            b = b.value
        ta = type(a)
        if a is b or x[i] is y[i]:
            pass  # (elements: the same value is equal to itself)
        elif ta is type(b) and (ta is int or ta is str or ta is bool):
            if a != b:
                n += 1
                if not n & mask:
                    walk.checkpoint(walk.EVERY)
                return -1, n
        else:
            return i, n
        n += 1
        if not n & mask:
            walk.checkpoint(walk.EVERY)
    return len(x), n


def _context_parts(c: str) -> tuple[int, str, str]:
    """A context element as Nix's variant: (0 a path, 1 `=drv` all outputs,
    2 `!out!drv` an output; the store path; the output name)."""
    if c.startswith("!"):
        _, output, path = c.split("!", 2)
        return 2, path, output
    if c.startswith("="):
        return 1, c[1:], ""
    return 0, c, ""


def context_order(c: str) -> tuple[int, str, str]:
    """The sort key of a context element in Nix's `std::set` of them."""
    # Nix's `std::set` of elements: by variant, then store path (its base name), then output.
    kind, path, output = _context_parts(c)
    return kind, path.rsplit("/", 1)[-1], output


def context_text(c: str) -> str:
    """A context element as Nix 2.26 prints it in messages: store paths by their
    base name (`hash-name`, `=hash-d.drv`, `!out!hash-d.drv`)."""
    kind, path, output = _context_parts(c)
    base = path.rsplit("/", 1)[-1]
    return base if kind == 0 else "=" + base if kind == 1 else f"!{output}!{base}"
