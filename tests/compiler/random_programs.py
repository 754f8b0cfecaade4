"""Random Nix programs stressing scoping: let/rec/with/lambdas/inherit/paths.

Used by ``record_nix.py`` to build ``fixtures/random_programs.tsv`` (each
program with C++ Nix's parse-time verdict); the test reads that file.
"""

from __future__ import annotations

import random

NAMES = ["a", "b", "c", "x", "map", "true"]
LOCAL = NAMES[:4]


def _binds(r: random.Random, depth: int) -> str:
    out = []
    for _ in range(r.randrange(0, 4)):
        kind = r.randrange(6)
        name = r.choice(LOCAL)
        if kind == 0:
            out.append(f"inherit {name};")
        elif kind == 1:
            out.append(f"inherit ({expr(r, depth - 1)}) {name};")
        elif kind == 2:
            out.append(f"{name}.{r.choice(LOCAL)} = {expr(r, depth - 1)};")
        elif kind == 3 and r.random() < 0.3:
            out.append(f"${{{expr(r, depth - 1)}}} = {expr(r, depth - 1)};")
        elif kind == 4:
            out.append(f"{name} = {{ {r.choice(LOCAL)} = 1; }};")
        else:
            out.append(f"{name} = {expr(r, depth - 1)};")
    return " ".join(out)


def expr(r: random.Random, depth: int) -> str:
    """One random expression of nesting ``depth``."""
    if depth <= 0:
        return r.choice([*NAMES, "1", '"s"'])
    kind = r.randrange(12)

    def sub() -> str:
        return expr(r, depth - 1)

    if kind == 0:
        return f"(let {_binds(r, depth)} in {sub()})"
    if kind == 1:
        return f"(rec {{ {_binds(r, depth)} }})"
    if kind == 2:
        return f"{{ {_binds(r, depth)} }}"
    if kind == 3:
        return f"({r.choice(NAMES)}: {sub()})"
    if kind == 4:
        formals = r.sample(LOCAL, r.randrange(1, 4))
        text = ", ".join(f + (f" ? {sub()}" if r.random() < 0.3 else "") for f in formals)
        return f"({r.choice(['', 'args@', ''])}{{ {text}, ... }}: {sub()})"
    if kind == 5:
        return f"(with {sub()}; {sub()})"
    if kind == 6:
        return f"[ {sub()} {sub()} ]"
    if kind == 7:
        return f"({sub()}.{r.choice(NAMES)} or {sub()})"
    if kind == 8:
        return f"(let {{ {_binds(r, depth)} body = {sub()}; }})"
    if kind == 9:
        return f'"${{{sub()}}}"'
    return r.choice(NAMES)


def programs(count: int, seed: int = 2022) -> list[str]:
    """``count`` programs, deterministic for a seed."""
    r = random.Random(seed)
    return [expr(r, 4) for _ in range(count)]
