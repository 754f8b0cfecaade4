"""A minimal test-only driver for generator frames (no budget, no spans).

It implements just the request protocol of :mod:`evaluator.vm.values`, so
ops and builtins can be unit-tested before (and independently of) the real
VM loop: yielded thunks are evaluated (with black-holing), ``Call``
requests apply closures, builtins (with partial application) and
``__functor`` sets, and errors are thrown into the waiting frame.
"""

from __future__ import annotations

from collections.abc import Callable, Generator
from typing import Any

from evaluator.vm.errors import InfiniteRecursion, NixError
from evaluator.vm.ops import type_error
from evaluator.vm.values import (
    BLACKHOLE,
    Attrs,
    Call,
    Closure,
    Frame,
    NixList,
    PrimOp,
    PrimOpApp,
    Thunk,
)

try:
    from evaluator.vm.loop import run as _loop_run
except ImportError:  # the real loop is not there yet
    _loop_run = None


def _value(v: Any) -> Frame:
    return v
    yield


def _apply(fn: Any, arg: Any) -> Frame:
    if type(fn) is Thunk:
        fn = fn.value if fn.code is None else (yield fn)
    t = type(fn)
    if t is Closure:
        return (yield from fn.code(arg))
    if t is PrimOp:
        if fn.arity == 1:
            return (yield from fn.fn(arg))
        return PrimOpApp(fn, (arg,))
    if t is PrimOpApp:
        args = fn.args + (arg,)
        if len(args) == fn.op.arity:
            return (yield from fn.op.fn(*args))
        return PrimOpApp(fn.op, args)
    if t is Attrs and "__functor" in fn:
        f = yield Call(fn["__functor"], fn)
        return (yield Call(f, arg))
    raise NixError(f"attempt to call something which is not a function but {_article(fn)}")


def _article(v: Any) -> str:
    return str(type_error(v, "x")).split(" but found ")[1].split(":")[0]


def run(frame: Frame | Any) -> Any:
    """Run a generator frame (or return a plain value) to its result.

    Uses the real loop when it exists, else :func:`run_minimal`.
    """
    if _loop_run is not None and isinstance(frame, Generator):
        return _loop_run(frame)
    return run_minimal(frame)


def run_minimal(frame: Frame | Any) -> Any:
    """This module's own small loop."""
    if not isinstance(frame, Generator):
        if type(frame) is Thunk:
            frame = _force(frame)
        else:
            return frame
    stack: list[tuple[Frame, Thunk | None, Callable[[], Frame] | None]] = [(frame, None, None)]
    send: Any = None
    exc: BaseException | None = None
    while True:
        gen, _, _ = stack[-1]
        try:
            if exc is not None:
                e, exc = exc, None
                req = gen.throw(e)
            else:
                req = gen.send(send)
        except StopIteration as stop:
            result = stop.value
            # Tail position: a returned thunk, call or frame runs in place.
            if type(result) is Thunk and result.code is not None:
                stack[-1] = (_force(result), stack[-1][1], stack[-1][2])
                send = None
                continue
            if type(result) is Call:
                stack[-1] = (_apply(result.fn, result.arg), stack[-1][1], stack[-1][2])
                send = None
                continue
            if isinstance(result, Generator):
                stack[-1] = (result, stack[-1][1], stack[-1][2])
                send = None
                continue
            if type(result) is Thunk:
                result = result.value
            _, thunk, _ = stack.pop()
            if thunk is not None:
                thunk.value = result
                thunk.code = None
            if not stack:
                return result
            send = result
            continue
        except NixError as err:
            _, thunk, code = stack.pop()
            if thunk is not None:
                # As in Nix, a failed thunk may be forced again (tryEval).
                thunk.code = code
            if not stack:
                raise
            exc = err
            continue
        send = None
        if type(req) is Thunk:
            if req.code is None:
                send = req.value
                continue
            if req.code is BLACKHOLE:
                exc = InfiniteRecursion()
                continue
            code = req.code
            req.code = BLACKHOLE
            stack.append((code(), req, code))
        elif type(req) is Call:
            stack.append((_apply(req.fn, req.arg), None, None))
        elif isinstance(req, Generator):
            stack.append((req, None, None))
        else:
            exc = TypeError(f"bad request {req!r}")


def _force(t: Thunk) -> Frame:
    return (yield t)


def lazy(fn: Callable[[], Any]) -> Thunk:
    """A thunk whose evaluation calls ``fn()`` (a plain Python value, or a frame)."""

    def code() -> Frame:
        r = fn()
        if isinstance(r, Generator):
            return r
        return _value(r)

    return Thunk(code)


def fail(err: NixError) -> Thunk:
    """A thunk that raises ``err`` when forced."""

    def code() -> Frame:
        raise err
        yield

    return Thunk(code)


def pyfun(fn: Callable[[Any], Any]) -> Closure:
    """A Nix function implemented by a Python function of the (unforced) argument."""

    def code(arg: Any) -> Frame:
        r = fn(arg)
        if isinstance(r, Generator):
            return (yield from r)
        return r

    return Closure(code)


def nix(v: Any) -> Any:
    """Convert plain Python data (dict/list/str/int/...) to Nix values."""
    if isinstance(v, dict) and type(v) is not Attrs:
        return Attrs({k: nix(x) for k, x in v.items()})
    if isinstance(v, list) and type(v) is not NixList:
        return NixList(nix(x) for x in v)
    return v


def py(v: Any) -> Any:
    """Deeply force a Nix value and convert it back to plain Python data."""
    v = run(_force(v)) if type(v) is Thunk else v
    if type(v) is NixList:
        return [py(x) for x in v]
    if type(v) is Attrs:
        return {k: py(x) for k, x in v.items()}
    return v
