"""Random programs where attribute paths merge into large set literals.

Deferred thunks (code generation's :data:`DEFER_BYTES`) are compiled from
their node alone, so their captures must cover what paths written outside a
literal merge into it (``p.f = { … }; p.f.x = b;``), what absorbed literals
bring (``p = { … }; p = { y = c; };``), `rec`, `with`, `inherit` and
function arguments. These programs mix all of those with literals big enough
to be deferred. Leaf names are unique in a program, so most programs
evaluate (only sets at shared keys merge, and sometimes clash).
"""

from __future__ import annotations

import random

OUTER = ["a", "b", "c", "d"]
KEYS = ["p", "f", "g", "h"]


class _Gen:
    def __init__(self, r: random.Random) -> None:
        self.r = r
        self.leaves = 0

    def leaf(self) -> str:
        self.leaves += 1
        return f"v{self.leaves}"

    def big(self) -> str:
        """A literal over the deferral threshold (or not), reading a variable or not."""
        r = self.r
        pad = "x" * r.choice([10, 450])
        if r.random() < 0.5:
            return f'"{pad}${{toString {r.choice(OUTER)}}}"'
        return f'"{pad}"'

    def value(self, depth: int, names: list[str]) -> str:
        r = self.r
        kind = r.randrange(9 if depth > 0 else 4)
        if kind == 0:
            return r.choice(names)
        if kind == 1:
            return str(r.randrange(10))
        if kind == 2:
            return self.big()
        if kind == 3:
            return f"[ {r.choice(names)} {self.big()} ]"
        if kind == 4:
            return self.set(depth - 1, names)
        if kind == 5:
            inner = self.set(depth - 1, [*names, "z"])
            return f"(let z = {r.choice(names)}; in {inner}).{r.choice(KEYS)} or {r.choice(names)}"
        if kind == 6:
            return f"(y: {self.set(depth - 1, [*names, 'y'])}) {r.choice(names)}"
        if kind == 7:
            return f"(with {{ w = {r.choice(names)}; }}; {self.set(depth - 1, [*names, 'w'])})"
        return f"(if {r.choice(names)} == 1 then {self.value(depth - 1, names)} else {self.big()})"

    def binds(self, depth: int, names: list[str]) -> str:
        r = self.r
        out = []
        inherited: set[str] = set()
        for _ in range(r.randrange(1, 6)):
            kind = r.randrange(7)
            prefix = "".join(f"{r.choice(KEYS)}." for _ in range(r.randrange(0, 3)))
            if kind == 0 and not prefix:
                name = r.choice(OUTER)
                if name not in inherited:
                    inherited.add(name)
                    out.append(f"inherit {name};")
            elif kind == 1 and not prefix:
                leaf = self.leaf()
                out.append(f"inherit ({{ {leaf} = {r.choice(names)}; }}) {leaf};")
            elif kind in (2, 3):
                # Sets at shared keys: merged into (or absorbing) each other.
                out.append(f"{prefix}{r.choice(KEYS)} = {self.set(depth - 1, names)};")
            else:
                out.append(f"{prefix}{self.leaf()} = {self.value(depth, names)};")
        return " ".join(out)

    def set(self, depth: int, names: list[str]) -> str:
        if depth < 0:
            return f"{{ {self.leaf()} = {self.r.choice(names)}; }}"
        rec = "rec " if self.r.random() < 0.3 else ""
        return f"{rec}{{ {self.binds(depth, names)} }}"


def program(r: random.Random) -> str:
    """One program: a set with merged paths, selected or printed whole."""
    gen = _Gen(r)
    body = gen.set(3, list(OUTER))
    if r.random() < 0.5:
        path = ".".join(r.choice(KEYS) for _ in range(r.randrange(1, 4)))
        body = f"({body}).{path} or a"
    if r.random() < 0.3:
        body = f"(a: {body}) 5"
    return f'let a = 1; b = 2; c = "s"; d = [ 3 ]; in {body}'
