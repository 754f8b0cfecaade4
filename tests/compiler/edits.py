"""Random edits of Nix sources for the incremental-analysis tests.

Edits are the kind typing makes and the kind that move names around:
renaming an occurrence of a name, inserting or deleting characters,
adding bindings, functions, ``with``, ``let`` and ``rec``. Each is applied
to an :class:`evaluator.syntax.document.Document` the way the language
server applies one (:func:`evaluator.compiler.incremental.apply_edit`).
"""

from __future__ import annotations

import random
import re

_NAME = re.compile(rb"[A-Za-z_][A-Za-z0-9_'-]*")
SNIPPETS = [
    " ", "x", "1", ";", "a = 1; ", "inherit x; ", "inherit (lib) y; ", "x: ", "{ a, ... }: ",
    "with x; ", "let z = 1; in ", "rec ", "(", ")", "[ ", " ]", "{ ", " }", "lib", "map",
    "true", "_", "\n", "# c\n", '"${x}"', "<p>", "a.b = 2; ", "a = { c = 3; }; ",
    "${x} = 1; ", "builtins.", "args@",
]  # fmt: skip


def random_edit(rng: random.Random, source: bytes) -> tuple[int, int, bytes]:
    """``(start, end, replacement)`` for one edit of ``source``."""
    kind = rng.random()
    names = None
    if kind < 0.45:
        # Replace an occurrence of a name by another name of the file (or a new one).
        at = rng.randrange(len(source) + 1)
        m = _NAME.search(source, at) or _NAME.search(source)
        if m is not None:
            names = names or _NAME.findall(source[max(0, at - 3000) : at + 3000])
            other = rng.choice([*names, b"fresh", b"x", b"lib", b"true"]) if names else b"x"
            return m.start(), m.end(), other
    if kind < 0.6:
        # Type or delete one character inside a name.
        m = _NAME.search(source, rng.randrange(len(source) + 1))
        if m is not None:
            at = rng.randrange(m.start(), m.end() + 1)
            if rng.random() < 0.5 and at < m.end():
                return at, at + 1, b""
            return at, at, rng.choice([b"a", b"_", b"1"])
    at = rng.randrange(len(source) + 1)
    if rng.random() < 0.3:
        return at, min(len(source), at + rng.randrange(1, 4)), b""
    return at, at, rng.choice(SNIPPETS).encode()
