"""The deep forcing of a value (`--strict`, `deepSeq`), as Nix's ``forceValueDeep``."""

from __future__ import annotations

from typing import Any

from evaluator.vm import walk
from evaluator.vm.call_trace import register_settling, settle_applied, settle_at
from evaluator.vm.errors import NixError
from evaluator.vm.frames import span_of_position
from evaluator.vm.values import Attrs, Frame, NixList, Thunk

# On `deep_force`'s work list: the end of an attribute's value.
_END_OF_ATTRIBUTE = object()


def deep_force(v: Any) -> Frame:
    """Force ``v`` and, recursively, every list element and attribute value.

    As Nix's ``forceValueDeep``: depth first, each attribute's value whole
    before the next attribute, and an error anywhere in an attribute's value
    gets the entry "while evaluating the attribute 'a'" at the attribute (for
    each enclosing attribute, outermost last). A value already visited is
    skipped, as Nix skips a `Value` it has seen: a thunk (a binding, a `let`
    variable) by the thunk, a set or list held directly by itself; the root
    is Nix's copy, seen by neither. Iterative (an explicit work list), so deep
    data does not grow the Python stack, and cyclic data terminates.
    """
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    seen: set[int] = set()
    # Values, `(name, set)` for an attribute entered, and its end marker.
    todo: list[Any] = [v]
    root = True  # Nix's copy of the value: not seen as itself
    inside: list[tuple[str, Attrs]] = []  # the attributes being walked, outermost first
    attribute = False  # whether `x` is an attribute's value
    n = 0
    while todo:
        x = todo.pop()
        if type(x) is tuple:
            inside.append(x)
            attribute = True
            continue
        if x is _END_OF_ATTRIBUTE:
            inside.pop()
            continue
        held, root = root, False  # (from a thunk: seen as the thunk)
        of_attribute, attribute = attribute, False
        n += 1
        if not n & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY)
        if type(x) is Thunk:
            if id(x) in seen:
                continue
            seen.add(id(x))
            held = True
            if x.code is None:
                x = x.value
            else:
                code = x.code
                try:
                    x = yield x
                except NixError as e:
                    # An attribute's call has no site; a list element's may.
                    if of_attribute:
                        settle_at(e, None)
                    else:
                        settle_applied(e, code)
                    _attribute_entries(e, inside)
                    raise
        tx = type(x)
        if tx is NixList or tx is Attrs:
            if not held:
                if id(x) in seen:
                    continue
                seen.add(id(x))
            if tx is NixList:
                todo.extend(reversed(x))
            else:
                for name, item in reversed(list(x.items())):
                    todo.append(_END_OF_ATTRIBUTE)
                    todo.append(item)
                    todo.append((name, x))
    return v


def _attribute_entries(err: NixError, inside: list[tuple[str, Attrs]]) -> None:
    """The entries of the attributes an error of `deep_force` happened in."""
    for name, owner in reversed(inside):
        entry = f"while evaluating the attribute '{name}'"
        if err.trace and err.trace[-1][0] == entry:
            continue  # the attribute's thunk added its own
        positions = owner.positions
        err.add_trace(entry, span_of_position(positions.get(name)) if positions else None)


register_settling(deep_force)
