"""Plain helpers of :mod:`evaluator.vm.ops` (no frames): the leading element
pairs `==` compares in place, and a string's context as Nix prints it in
messages."""

from __future__ import annotations

from evaluator.vm import walk
from evaluator.vm.values import NixList, Thunk


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
