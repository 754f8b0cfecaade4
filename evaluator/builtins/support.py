"""Small helpers shared by the builtin theme modules (no builtins here)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from types import GeneratorType
from typing import Any

from evaluator.vm import walk
from evaluator.vm.errors import NixError
from evaluator.vm.loop import charge
from evaluator.vm.values import Call, Closure, Frame, Thunk

__all__ = ["charge"]  # re-exported for the theme modules

_ORDINALS = ("first", "second", "third")


def argument_error(err: NixError, index: int, name: str) -> NixError:
    """Nix's trace entry for an error while forcing argument ``index`` (0-based)
    of ``builtins.name``; returns ``err`` for `raise`."""
    which = _ORDINALS[index]
    err.add_trace(f"while evaluating the {which} argument passed to builtins.{name}", None)
    err.__dict__["argument_seen"] = True  # not again from the traceback (vm/argument_trace)
    return err


def missing_attribute(name: str, context: str) -> NixError:
    """``attribute 'name' missing`` under Nix's trace entry ``context`` (where it was sought)."""
    err = NixError(f"attribute '{name}' missing")
    err.add_trace(context, None)
    return err


def result_error(err: NixError, what: str, name: str, span: Any = None) -> NixError:
    """``err`` (a wrong result of a function a builtin called) under Nix's entry for it;
    ``what`` is how Nix names the function ("the sorting function"), ``span``
    where the entry points (the function, where Nix shows it)."""
    err.add_trace(f"while evaluating the return value of {what} passed to builtins.{name}", span)
    err.__dict__["argument_seen"] = True
    return err


def element_error(err: NixError, what: str, name: str, passed: str = "passed to") -> NixError:
    """``err`` (an element of a builtin's argument of the wrong type) under Nix's entry
    "while evaluating ``what`` passed to builtins.``name``" (or another ``passed``)."""
    err.add_trace(f"while evaluating {what} {passed} builtins.{name}", None)
    err.__dict__["argument_seen"] = True
    return err


def _apply1(fn: Any, arg: Any) -> Frame:
    # Returning a Call makes the loop run it in place of this frame.
    return Call(fn, arg)
    yield  # pragma: no cover - makes this a generator


def _apply2(fn: Any, a: Any, b: Any) -> Frame:
    g = yield Call(fn, a)
    return Call(g, b)


# What a function body may return to be evaluated in its place (the loop
# runs it); anything else is its value.
TAILS = frozenset({GeneratorType, Thunk, Call})


def _apply2_code(code: Any, a: Any, b: Any) -> Frame:
    # `f a b` for a lambda `f` whose body for `a` is usually a lambda given
    # at once (`name: value: ...`): no round trip through the loop for it.
    g = code(a)
    if type(g) in TAILS:
        g = yield g
    return Call(g, b)


def app_thunk(fn: Any, arg: Any) -> Thunk:
    """A thunk for the lazy application ``fn arg``."""
    if type(fn) is Closure:
        # The closure's body is the thunk's code: no extra frame, no Call.
        return Thunk(partial(fn.code, arg))
    return Thunk(partial(_apply1, fn, arg))


def app_thunks(fn: Any, args: Iterable[Any]) -> list[Thunk]:
    """The thunks of ``fn x`` for each ``x`` of ``args`` (see :func:`app_thunk`).

    ``fn`` is not forced (Nix's `map f` does not force `f`), but an
    already evaluated lambda is applied without the indirection of a call.
    """
    if type(fn) is Thunk and fn.code is None:
        fn = fn.value
    code = fn.code if type(fn) is Closure else partial(_apply1, fn)
    items = args if isinstance(args, list | range) else list(args)
    if len(items) <= _SMALL:
        # Most lists are short: no slices, no collector pause.
        charge(THUNK_BYTES * len(items))
        return [Thunk(partial(code, x)) for x in items]
    out: list[Thunk] = []
    # Charged first for what Python really spends on a thunk, so a huge
    # `genList` or `map` stops before it allocates; built in slices, between
    # which time and cancellation are checked.
    charge(THUNK_BYTES * len(items))
    for lo in range(0, len(items), _SLICE):
        walk.checkpoint(min(_SLICE, len(items) - lo))
        # Building many small acyclic objects: the cyclic garbage collector
        # would rescan everything reachable several times over for nothing.
        enabled = gc.isenabled()
        gc.disable()
        try:
            out += [Thunk(partial(code, x)) for x in items[lo : lo + _SLICE]]
        finally:
            if enabled:
                gc.enable()
    return out


# Bytes a lazily applied element costs (thunk, partial, list slot), measured.
THUNK_BYTES = 250
_SLICE = 1 << 16
_SMALL = 512


def call_request(fn: Any, arg: Any) -> Any:
    """What to yield to apply a forced function ``fn`` to ``arg``.

    A lambda's frame itself (the loop runs a yielded generator as a
    sub-frame), otherwise a :class:`Call`.
    """
    if type(fn) is Closure:
        return fn.code(arg)
    return Call(fn, arg)


def app2_parts(fn: Any) -> tuple[Callable[..., Frame], Any]:
    """``(frame_fn, g)`` such that ``Thunk(partial(frame_fn, g, a, b))`` is the
    lazy application ``fn a b`` (for builders making many such thunks)."""
    if type(fn) is Thunk and fn.code is None:
        fn = fn.value
    if type(fn) is Closure:
        return _apply2_code, fn.code
    return _apply2, fn


def lazy_frame(frame_fn: Any, *args: Any) -> Thunk:
    """A thunk running the generator function ``frame_fn(*args)`` when forced."""
    return Thunk(partial(frame_fn, *args))
