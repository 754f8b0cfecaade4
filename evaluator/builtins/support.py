"""Small helpers shared by the builtin theme modules (no builtins here)."""

from __future__ import annotations

from functools import partial
from typing import Any

from evaluator.vm.values import Call, Frame, Thunk


def _apply1(fn: Any, arg: Any) -> Frame:
    # Returning a Call makes the loop run it in place of this frame.
    return Call(fn, arg)
    yield  # pragma: no cover - makes this a generator


def _apply2(fn: Any, a: Any, b: Any) -> Frame:
    g = yield Call(fn, a)
    return Call(g, b)


def app_thunk(fn: Any, arg: Any) -> Thunk:
    """A thunk for the lazy application ``fn arg``."""
    return Thunk(partial(_apply1, fn, arg))


def app2_thunk(fn: Any, a: Any, b: Any) -> Thunk:
    """A thunk for the lazy application ``fn a b``."""
    return Thunk(partial(_apply2, fn, a, b))


def call2(fn: Any, a: Any, b: Any) -> Frame:
    """``fn a b``, forced (use with ``yield from``)."""
    g = yield Call(fn, a)
    return (yield Call(g, b))


def lazy_frame(frame_fn: Any, *args: Any) -> Thunk:
    """A thunk running the generator function ``frame_fn(*args)`` when forced."""
    return Thunk(partial(frame_fn, *args))


def charge(size: int) -> None:
    """Count ``size`` approximate bytes against the evaluation budget, if any."""
    try:
        from evaluator.vm.loop import charge as loop_charge
    except ImportError:  # the loop is optional for unit tests
        return
    loop_charge(size)
