"""Thunk code shared by many thunks instead of a generated function each.

A cold evaluation pays for every generated function three times (writing its
Python, normalising it for sharing, instantiating its code), and the
commonest thunks are trivial: `inherit (x) a b c` makes one thunk `x.a` per
name (450 of the 520 functions of nixpkgs lib's `default.nix`), and
`cfg = config.services.foo` one selection on a variable. Such a thunk's code
is ``partial(helper, source, ...)`` with a helper of this module: it does
what the generated function did, line for line, and its errors are located
and traced as that function's were (:func:`~evaluator.vm.call_trace.register_shared_entry`
tells the loop's trace its ``while evaluating the attribute`` entry, which a generated
function's :class:`~evaluator.vm.frames.CodeInfo` gave).

A helper is a plain function: when the source is already evaluated it
returns the attribute at once (the loop evaluates a thunk it returns in
place), else a small generator frame that waits for the source. Names are
static: dynamic keys (``x.${k}``) keep generated code.

Sets (`{ a = x; b = f y; }`, and those attribute paths imply: `a.b.c = x;`),
lists of variables and thunks (`[ x (f y) ]`), calls `f x` and `lib.f x`
(the loop makes the call in the thunk's place) and names a `with` defines get
helpers of their own; a set's values, a list's items and a call's argument
are made with the thunk (by the code that makes it), not when it is forced:
the same values, since a thunk is evaluated once.
"""

from __future__ import annotations

from functools import partial
from types import FunctionType
from typing import Any

from evaluator.vm.call_trace import register_shared_entry, settle_at
from evaluator.vm.errors import InfiniteRecursion, NixError
from evaluator.vm.runtime import MISSING, SLOW, select_error, with_get, with_lookup
from evaluator.vm.values import BLACKHOLE, Attrs, Call, Frame, NixList, Thunk

Span = tuple[Any, int, int]
# A selection `x.a.b` and where it is: (names, span of `x`, span of the
# selection, span of the thunk: the attribute it is the value of, else the
# selection); an attribute's thunk adds the attribute's name (traced there).
SelectInfo = tuple[Any, ...]


def _missing(s: Any, name: str, site: Span) -> NixError:
    return select_error(s, name).locate(site)


def _entered(found: Any, own: Span) -> Any:
    """``found``, to be evaluated in the thunk's place; if it is being
    evaluated already, the infinite recursion is located at the thunk's
    own span unless a waiting frame locates it (as for a generated thunk)."""
    if type(found) is Thunk and found.code is BLACKHOLE:
        err = InfiniteRecursion()
        err.fallback_span = own  # type: ignore[attr-defined]
        raise err
    return found


def _force(src: Thunk, site: Span) -> Frame:
    """Force ``src`` as a generated line at ``site`` does (errors it gives
    without a position are located there, a call it leaves pending is
    settled there)."""
    try:
        return (yield src)
    except NixError as err:
        _at(err, site)
        raise


def _at(err: NixError, site: Span) -> None:
    """What :func:`_force` does to an error of the thunk it forced at ``site``
    (the hot frames force inline, without a generator of :func:`_force`)."""
    settle_at(err, site)
    err.locate(site)


def _inherit_frame(src: Thunk, name: str, site: Span) -> Frame:
    try:
        s = yield src
    except NixError as err:
        _at(err, site)
        raise
    if type(s) is Attrs:
        found = dict.get(s, name, MISSING)
        if found is not MISSING:
            return _entered(found, site)
    raise _missing(s, name, site)


def inherit(src: Any, name: str, site: Span) -> Any:
    """The code of the thunk of ``name`` in `inherit (src) name`, ``site``
    the name in the `inherit` (a set's attribute: traced there)."""
    if type(src) is Thunk:
        if src.code is not None:
            return _inherit_frame(src, name, site)
        src = src.value
    if type(src) is Attrs:
        found = dict.get(src, name, MISSING)
        if found is not MISSING:
            if type(found) is Thunk and found.code is BLACKHOLE:
                return _entered(found, site)
            return found
    raise _missing(src, name, site)


def _select_frame(s: Any, info: SelectInfo, i: int) -> Frame:
    """The selection from step ``i`` on, ``s`` the set of that step (still a thunk)."""
    path, site = info[0], info[2]
    last = len(path) - 1
    while True:
        if type(s) is Thunk:
            if s.code is None:
                s = s.value
            else:
                try:
                    s = yield s
                except NixError as err:
                    _at(err, info[1] if i == 0 else site)
                    raise
        name = path[i]
        if type(s) is not Attrs or name not in s:
            raise _missing(s, name, site)
        s = s[name]
        if i == last:
            return _entered(s, info[3])
        i += 1


def select(src: Any, info: SelectInfo) -> Any:
    """The code of a thunk `src.a.b` (static names; ``info``: see
    :data:`SelectInfo`): what generated code for it did, without a frame
    while every set on the way is evaluated."""
    s = src
    if type(s) is Thunk:
        if s.code is not None:
            return _select_frame(s, info, 0)
        s = s.value
    path = info[0]
    last = len(path) - 1
    i = 0
    while True:
        name = path[i]
        if type(s) is not Attrs or name not in s:
            raise _missing(s, name, info[2])
        s = s[name]
        if i == last:
            if type(s) is Thunk and s.code is BLACKHOLE:
                return _entered(s, info[3])
            return s
        i += 1
        if type(s) is Thunk:
            if s.code is not None:
                return _select_frame(s, info, i)
            s = s.value


def new_list(items: tuple[Any, ...]) -> NixList:
    """The code of a thunk `[ 1 "a" ]`: a new list of constants each time."""
    return NixList(items)


def new_attrs(proto: Attrs) -> Attrs:
    """The code of a thunk `{ a = 1; }` (constants): a new set like ``proto``."""
    made = Attrs(proto)
    made.positions = proto.positions
    return made


def empty_attrs() -> Attrs:
    """The code of a thunk `{ }`."""
    return Attrs()


def new_set(keys: tuple[str, ...], positions: Any, values: tuple[Any, ...]) -> Attrs:
    """The code of a thunk `{ a = x; b = f y; }` or of a set implied by
    attribute paths (`a.b = x; a.c = y;`), static names: a new set of
    ``values`` (made with the thunk: variables, values and thunks)."""
    made = Attrs()
    # Faster than dict(zip()) for a few; not `strict` (+60% a set of three):
    # the code generator made both of one length.
    for key, value in zip(keys, values):  # noqa: B905
        made[key] = value
    made.positions = positions
    return made


def new_set1(key: str, positions: Any, value: Any) -> Attrs:
    """:func:`new_set` of one attribute (`a.b.c = x;` is a chain of them)."""
    made = Attrs({key: value})
    made.positions = positions
    return made


def call(f: Any, x: Any, site: Span) -> Call:
    """The code of a thunk `f x`, ``f`` a variable: the call, which the loop
    makes in the thunk's place (forcing ``f`` first), at ``site``."""
    return Call(f, x, site)


def call_attribute(f: Any, x: Any, info: tuple[Span, str, Span]) -> Call:
    """:func:`call` for an attribute's value (``info``: the call's site, the
    attribute's name and its span, where its trace entry points)."""
    return Call(f, x, info[0])


def _twin(fn: Any, name: str) -> Any:
    """``fn`` with a code object of its own (the trace tells thunks apart by code)."""
    return FunctionType(fn.__code__.replace(co_name=name), fn.__globals__, name)


# The same code where the thunk is a `let` binding or an anonymous value:
# forcing it adds no trace entry (only an attribute's does, as in Nix).
inherit_bound = _twin(inherit, "inherit_bound")
select_attribute = _twin(select, "select_attribute")


def _inherit_entry(code: partial[Any]) -> tuple[str, Span]:
    return f"while evaluating the attribute '{code.args[1]}'", code.args[2]


def _select_entry(code: partial[Any]) -> tuple[str, Span]:
    info = code.args[1]
    return f"while evaluating the attribute '{info[4]}'", info[3]


def _head_frame(s: Any, x: Any, info: SelectInfo, i: int) -> Frame:
    """The rest of :func:`call_select` from step ``i`` on, ``s`` that step's
    set (or, past the last, the function), a thunk to force first."""
    path, site = info[0], info[2]
    while True:
        if type(s) is Thunk:
            if s.code is None:
                s = s.value
            else:
                try:
                    s = yield s
                except NixError as err:
                    _at(err, info[1] if i == 0 else site)
                    raise
        if i == len(path):
            return Call(s, x, info[3])
        name = path[i]
        if type(s) is not Attrs or name not in s:
            raise _missing(s, name, site)
        s = s[name]
        i += 1


def call_select(src: Any, x: Any, info: SelectInfo) -> Any:
    """The code of a thunk `src.a.b x` (static names): the function selected
    and forced as the generated body did (each set forced at its position, a
    missing name located at the selection), then the call, which the loop
    makes in the thunk's place. ``info``: the names, the spans of ``src``, of
    the selection and of the call (an attribute's value: its name and span)."""
    s = src
    path = info[0]
    i = 0
    while True:
        if type(s) is Thunk:
            if s.code is not None:
                return _head_frame(s, x, info, i)
            s = s.value
        if i == len(path):
            return Call(s, x, info[3])
        name = path[i]
        if type(s) is not Attrs or name not in s:
            raise _missing(s, name, info[2])
        s = s[name]
        i += 1


call_select_attribute = _twin(call_select, "call_select_attribute")


def _with_frame(name: str, envs: tuple[Any, ...], site: Span) -> Frame:
    try:
        found = yield from with_lookup(name, envs)
    except NixError as err:
        settle_at(err, site)
        err.locate(site)
        raise
    if type(found) is Thunk:
        found = found.value if found.code is None else (yield from _force(found, site))
    return found


def with_var(name: str, envs: tuple[Any, ...], info: tuple[Any, ...]) -> Any:
    """The code of a thunk `name` that a `with` scope defines (``envs``, the
    scopes, innermost first): looked up and forced as the generated body did,
    its errors located at the name (``info[0]``; an attribute's value adds
    its name and span)."""
    try:
        found = with_get(name, envs)
    except NixError as err:
        raise err.locate(info[0]) from None
    if found is SLOW:
        return _with_frame(name, envs, info[0])
    if type(found) is Thunk and found.code is not None:
        return _with_frame(name, envs, info[0])
    return found.value if type(found) is Thunk else found


with_var_attribute = _twin(with_var, "with_var_attribute")


def _with_entry(code: partial[Any]) -> tuple[str, Span]:
    info = code.args[2]
    return f"while evaluating the attribute '{info[1]}'", info[2]


def _call_entry(code: partial[Any]) -> tuple[str, Span]:
    info = code.args[2]
    return f"while evaluating the attribute '{info[1]}'", info[2]


def _call_select_entry(code: partial[Any]) -> tuple[str, Span]:
    info = code.args[2]
    return f"while evaluating the attribute '{info[4]}'", info[5]


register_shared_entry(inherit, _inherit_entry)
register_shared_entry(select_attribute, _select_entry)
register_shared_entry(call_attribute, _call_entry)
register_shared_entry(with_var_attribute, _with_entry)
register_shared_entry(call_select_attribute, _call_select_entry)
