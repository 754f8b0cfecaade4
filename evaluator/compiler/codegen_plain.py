"""A plain-function twin of a small generated generator function.

Half of the generator frames of a warm module-system evaluation finish
without ever waiting (every thunk they force is already evaluated), yet each
pays for a generator, a loop iteration and a ``StopIteration``. The twin is
the same body as a plain function that runs until its first wait: there it
*bails*, returning a fresh frame of the generator version (``NAME_g``) made
from its parameters as they are now. Evaluation is pure, so starting over
only repeats the work before the wait (allocations, selections); a parameter
rebound by then holds the forced value of what it held, which the generator
version accepts in its place.

Waits are: forcing an unevaluated thunk, any other ``yield``, and every
direct call (a lambda's ``code`` or a builtin's ``fn``): the twin never calls
other generated code, so plain twins never nest on the Python stack and deep
recursion stays in the loop.
"""

from __future__ import annotations

import re
from typing import Any

# How long a function may be to get a twin: short bodies are most of the
# frames, and a twin doubles the source `compile()` reads.
TWIN_MAX_LINES = 8

GENERATOR_SUFFIX = "_g"

_FORCE = re.compile(r"if type\((\w+)\) is Thunk: \1 = \1\.value if \1\.code is None else \(yield \1\)")
# A one-line `if`/`else` clause before the statement that waits.
_CLAUSE = re.compile(r"((?:if|elif) [^:'\"]*: |else: )(.*)")
_WAITS = ("yield", ".code(", ".fn(")

Line = tuple[int, str, Any, Any]


def plain_twin(name: str, params: list[str], lines: list[Line]) -> list[Line] | None:
    """The lines of ``name``'s plain twin (``None``: the body gets none)."""
    if len(lines) > TWIN_MAX_LINES:
        return None
    bail = f"return {name}{GENERATOR_SUFFIX}({', '.join(params)})"
    out: list[Line] = []
    for indent, text, se, context in lines:
        if not any(w in text for w in _WAITS):
            out.append((indent, text, se, context))
            continue
        m = _FORCE.fullmatch(text)
        if m is not None:
            x = m.group(1)
            out.append((indent, f"if type({x}) is Thunk:", se, context))
            out.append((indent + 1, f"if {x}.code is not None: {bail}", se, context))
            out.append((indent + 1, f"{x} = {x}.value", se, context))
            continue
        if text.endswith(":"):
            return None  # a wait in a block's header: not handled
        clause = _CLAUSE.fullmatch(text)
        if clause is not None and not any(w in clause.group(1) for w in _WAITS):
            out.append((indent, clause.group(1) + bail, se, context))
        else:
            out.append((indent, bail, se, context))
    return out
