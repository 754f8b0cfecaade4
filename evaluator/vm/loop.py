"""The one flat evaluation loop.

Every frame (thunk body, function body, builtin) is a Python generator that
yields requests (see :mod:`evaluator.vm.values`). :func:`run` keeps the
suspended frames in a list, so Nix recursion depth costs memory, never
Python stack. Requests understood:

* a :class:`Thunk`: force it. Evaluated: its value is sent back at once;
  being evaluated (``code is BLACKHOLE``): ``infinite recursion
  encountered``; otherwise its body is pushed and, on return, the value is
  stored in the thunk (``code = None``) and sent to the waiting frame.
* a :class:`Call`: apply ``fn`` to ``arg`` (lambda, builtin, partially
  applied builtin, attrset with ``__functor``); the forced result is sent.
* a generator: run it as a sub-frame and send back its (forced) result
  (lets helpers written as generators run without ``yield from``).
* a :class:`Resume`: the same for a frame already started, which has
  asked for something (its request is handled first).

A frame's result is always forced before it is delivered. A frame may
*return* an unevaluated thunk, a :class:`Call` or a generator: the loop then
evaluates it in place of the finished frame (a tail call), so tail recursion
does not grow the frame stack.

The code of a thunk or lambda may also be a plain function (generated code
does this for bodies that never wait): its return value is taken at once,
with no frame, and handled like a frame's result. A frame may likewise
yield a plain value (what such a body returned): it is sent straight back.

Errors raised in a frame are thrown into the frame waiting for it, so a
``try/except`` in a builtin (``tryEval``) works. When an error leaves a
frame, thunks it was evaluating are restored (forcing them again retries),
and a ``while evaluating ...`` trace entry is added from
:mod:`evaluator.vm.frames`.

The loop also enforces a :class:`Budget` (steps, wall-clock time,
approximate allocation) and a cancellation flag, checked every
:data:`CHECK_EVERY` steps, and the budget's call depth, checked at each call.
"""

from __future__ import annotations

import sys
import time
from functools import partial
from types import GeneratorType
from typing import Any

from evaluator.vm import memory
from evaluator.vm.budget import ACTIVE as _ACTIVE
from evaluator.vm.budget import Budget as Budget  # part of run()'s interface
from evaluator.vm.budget import CancelFlag as CancelFlag
from evaluator.vm.call_trace import enter as enter_frame
from evaluator.vm.call_trace import finish as finish_calls
from evaluator.vm.call_trace import record_calls
from evaluator.vm.errors import (
    BudgetExceeded,
    Cancelled,
    EvalTypeError,
    InfiniteRecursion,
    NixError,
)
from evaluator.vm.frames import CODE_INFO, Span, span_in_traceback, span_of_running
from evaluator.vm.gc_tuning import EVALUATION_GC, ONE_SHOT_GC, GcByMemory
from evaluator.vm.ops_support import type_set
from evaluator.vm.values import (
    BLACKHOLE,
    Attrs,
    Call,
    Closure,
    Frame,
    PrimOp,
    PrimOpApp,
    Resume,
    Thunk,
    show_type,
)

# Steps between two checks of the clock, the memory estimate and the
# cancellation flag (well under a millisecond of evaluation). At most 256 so
# the countdown stays within CPython's cached small integers.
CHECK_EVERY = 256


def _call_functor(fn: Attrs, arg: Any) -> Frame:
    """`s arg` for a set with `__functor`: `s.__functor s arg`."""
    functor = fn["__functor"]
    if type(functor) is Thunk:
        functor = functor.value if functor.code is None else (yield functor)
    applied = yield Call(functor, fn)
    return Call(applied, arg)


def _force_then_call(fn: Thunk, arg: Any, span: Span | None) -> Frame:
    """Call a function value that is still a thunk."""
    value = yield fn
    return Call(value, arg, span)


def _not_callable(fn: Any) -> NixError:
    from evaluator.vm.printer import message_text  # only on this error

    return EvalTypeError(
        f"attempt to call something which is not a function but {show_type(fn)}: {message_text(fn)}"
    )


# Frames and call sites of tail calls kept for the trace, per frame: a long
# tail recursion keeps this many (memory stays flat; the trace names the first).
TRACE_OWNERS = 1000

# What a frame may return that is evaluated in its place (a tail).
_TAIL_TYPES = type_set((Thunk, GeneratorType, Call))  # (see type_set: one probe anywhere)


def _dispatch(call: Call) -> Any:
    """Start a call: a new generator frame, or an immediate result.

    Returns a generator to run, or what a plain function body or builtin
    returned (a value, or a thunk or call still to evaluate in its place),
    or a partially applied builtin.
    """
    fn = call.fn
    t = type(fn)
    if t is Closure:
        return fn.code(call.arg)
    if t is PrimOp:
        if fn.arity == 1:
            return fn.fn(call.arg)
        if type(call.arg) is tuple:  # all its arguments at once (see `Call`)
            return fn.fn(*call.arg)
        return PrimOpApp(fn, (call.arg,))
    if t is PrimOpApp:
        op = fn.op
        if op.arity == 2:  # the commonest (`map f xs`): no tuple of the arguments
            return op.fn(fn.args[0], call.arg)
        args = (*fn.args, call.arg)
        if len(args) == op.arity:
            return op.fn(*args)
        return PrimOpApp(op, args)
    if t is partial:  # a marked lambda's inner body given its first arguments (`f a b`)
        return fn(call.arg)
    if t is Thunk:
        if fn.code is None:
            # The Call itself is updated: it may be kept for the trace, which
            # names the function it calls.
            call.fn = fn.value
            return _dispatch(call)
        return _force_then_call(fn, call.arg, call.span)
    if t is Attrs and "__functor" in fn:
        return _call_functor(fn, call.arg)
    raise _not_callable(fn)


def _restore(owner: Any) -> None:
    """Undo the BLACKHOLE of thunks whose evaluation failed (retry later)."""
    if owner is None:
        return
    for t in owner if type(owner) is list else (owner,):
        if type(t) is Thunk and t.code is BLACKHOLE:
            t.code = t.value
            t.value = None


def _as_nix_error(exc: Exception) -> NixError:
    """A Python exception escaping a frame: an internal error, never a traceback."""
    if isinstance(exc, RecursionError):
        err = NixError("stack overflow (possible infinite recursion)")
    elif isinstance(exc, MemoryError):
        err = BudgetExceeded("evaluation budget exceeded (memory)")
    else:
        err = NixError(python_error_message(exc))
    err.__cause__ = exc
    return err


def python_error_message(exc: BaseException) -> str:
    """What to tell a user about a Python exception no Nix error covers."""
    if isinstance(exc, UnicodeError):
        return "invalid string encoding (not valid UTF-8)"
    if isinstance(exc, ArithmeticError):
        return f"arithmetic error: {exc}"
    text = str(exc).splitlines()[0] if str(exc) else type(exc).__name__
    return f"evaluation failed: {text}"


def _leave(err: NixError, gen: Any, owner: Any, last: bool) -> None:
    """Bookkeeping when ``err`` leaves frame ``gen`` (owned by ``owner``).

    An error without a span yet is located in this frame if it can be, else
    at the waiting frame's current line (a call site); ``last``: no frame is
    waiting, so the frame's own span is the best there is.
    """
    if not last and len(err.trace) >= _trace_cap(err):
        # Deep in a recursion, recording every frame's trace would take far
        # longer than the evaluation ran: only the thunks are restored.
        _restore(owner)
        err.__traceback__ = None
        return
    info = CODE_INFO.get(gen.gi_code) if type(gen) is GeneratorType else None
    if err.span is None:
        err.span = span_in_traceback(err.__traceback__)
        if err.span is None and owner is not None:
            first = owner[0] if type(owner) is list else owner
            if type(first) is Thunk:  # a call's site is in the trace, not the error
                err.span = first.span
        if err.span is None and info is not None:
            if last:
                err.span = info.span
            elif not hasattr(err, "fallback_span"):
                # Used if no waiting frame can locate it either.
                err.fallback_span = info.span  # type: ignore[attr-defined]
    if err.span is None and last:
        err.span = getattr(err, "fallback_span", None)
    record_calls(err, err.__traceback__, owner)
    if last:
        finish_calls(err)
    _restore(owner)
    # Frames already handled: keep the traceback short (and free the frames).
    err.__traceback__ = None


# Trace entries kept as an error leaves frames: an evaluation stopped by its
# budget or cancelled keeps the innermost few (Nix has no such error to
# match); other errors keep far more than Nix's default call depth gives.
STOPPED_TRACE_CAP = 1000
TRACE_CAP = 100_000


def _trace_cap(err: NixError) -> int:
    if type(err) is Cancelled or (
        type(err) is BudgetExceeded and err.message.startswith("evaluation budget")
    ):
        return STOPPED_TRACE_CAP
    return TRACE_CAP


def _depth_limit(budget: Budget | None) -> int:
    limit = budget.max_call_depth if budget is not None else None
    return limit if limit else sys.maxsize


def _too_deep() -> NixError:
    return BudgetExceeded("stack overflow; max-call-depth exceeded")


def _chunk(budget: Budget | None) -> int:
    """Steps until the next budget check (small: counters stay cached ints)."""
    if budget is None or budget.max_steps is None:
        return CHECK_EVERY
    return max(1, min(CHECK_EVERY, budget.max_steps - budget.steps + 1))


def run(
    frame: Frame,
    budget: Budget | None = None,
    cancel: CancelFlag | None = None,
    *,
    one_shot: bool = False,
) -> Any:
    """Drive ``frame`` (and everything it requests) to its forced value.

    Raises :class:`NixError` (located, with a Nix trace) on failure,
    :class:`BudgetExceeded` when ``budget`` is exhausted and
    :class:`Cancelled` when ``cancel`` (or ``budget.cancel``) is set.
    ``one_shot``: the process ends after this evaluation: the collector
    runs only when memory grows (:data:`ONE_SHOT_GC`), and memory is not
    given back afterwards (a full collection: seconds on a large heap).
    """
    if cancel is not None:
        if budget is None:
            budget = Budget(cancel=cancel)
        else:
            budget.cancel = cancel
    token = None
    start = None if one_shot else memory.rss()
    if budget is not None:
        if budget.timeout is not None and budget.deadline is None:
            budget.deadline = time.monotonic() + budget.timeout
        if budget.rss_base is None and budget.max_memory is not None:
            budget.rss_base = start
        token = _ACTIVE.set(budget)
    stopped = False
    try:
        if one_shot and budget is not None and not ONE_SHOT_GC.active:
            with _one_shot_gc(budget):
                return _run(frame, budget)
        with EVALUATION_GC:
            return _run(frame, budget)
    except (BudgetExceeded, Cancelled) as exc:
        stopped = True
        # The Python traceback would keep the loop's frames (and all they
        # built) alive through `memory.release` below; a stop needs none of it.
        raise exc.with_traceback(None)  # noqa: B904 (the same exception)
    finally:
        if token is not None:
            _ACTIVE.reset(token)
        end = memory.rss()
        if start is not None and end is not None:
            if end - start > (RELEASE_STOPPED if stopped else RELEASE_ABOVE):
                memory.release()


def _one_shot_gc(budget: Budget) -> GcByMemory:
    """:data:`ONE_SHOT_GC`, collecting sooner under a memory budget (the
    budget bounds growth of the resident set, garbage included)."""
    growth = ONE_SHOT_GC.growth
    if budget.max_memory is not None:
        growth = min(growth, max(budget.max_memory // 4, 1 << 20))
    return ONE_SHOT_GC(growth)


# After an evaluation that grew the process by this much (less if it was
# stopped by its budget or cancelled: what it built is garbage now), its
# garbage (cycles of thunks and closures) is collected and memory returned.
RELEASE_ABOVE = 128 << 20
RELEASE_STOPPED = 32 << 20


def _nix_error(exc: Exception) -> NixError:
    return exc if isinstance(exc, NixError) else _as_nix_error(exc)


def _call_failed(exc: Exception, site: Span | None) -> NixError:
    """The error of a body or builtin the loop called itself: located on the line
    of generated code that raised it (a plain lambda body: Nix points inside it),
    else at the call ``site``."""
    err = _nix_error(exc)
    if err.span is None:
        err.span = span_in_traceback(exc.__traceback__) or site
    return err


def _checkpoint(
    budget: Budget | None, chunk: int, gen: Any, val: Any, err: Any, drivers: _Idle
) -> tuple[Any, Any, int]:
    """Every few steps: count them; the error to raise if a limit is reached, the
    frame to raise it in, and the steps until the next check."""
    err = _check(budget, chunk, gen, val, err)
    if err is not None and gen.gi_code is _DRIVER and gen.gi_yieldfrom is None:
        # A stop as a driver was to start a frame: thrown into that frame.
        drivers.append(gen)
        gen = val
    return err, gen, _chunk(budget)


def _check(budget: Budget | None, chunk: int, gen: Any, val: Any, err: Any) -> Any:
    if budget is not None:
        ONE_SHOT_GC.poll()
        budget.steps += chunk
        problem = budget.check()
        # An error already on its way up is not replaced (it may be this one).
        if problem is not None and err is None:
            if problem.span is None:
                problem.span = span_of_running(_running(gen, val))
            return problem
    return err


_Stack = list[tuple[Any, Any, int]]
_Idle = list[Any]  # idle drivers


def _unwind(exc: Exception, gen: Any, owner: Any, stack: _Stack) -> tuple[Any, Any, int, NixError]:
    """``exc`` leaves frame ``gen``: the waiting frame (popped), its owner and depth
    and the Nix error to throw into it; raised to the caller if no frame is waiting."""
    if isinstance(exc, NixError):
        err = exc
    else:  # a bug or resource error: still a Nix error
        err = _as_nix_error(exc)
        err.span = span_in_traceback(exc.__traceback__)
    _leave(err, gen, owner, not stack)
    if not stack:
        raise err from (None if err is exc else exc)
    enter_frame(err, _frame(stack[-1][0]))
    gen, owner, depth = stack.pop()
    return gen, owner, depth, err


# Thunks and calls `_tail` evaluates in a row (plain bodies each giving the
# next) before it returns to the loop through :func:`_later`.
TAIL_SPINS = 4


def _later(result: Any) -> Frame:
    """A frame ending at once with ``result`` (a thunk or call) to evaluate in
    its place: how `_tail` hands a long chain back to the loop."""
    return result
    yield  # a generator frame


def _tail(
    result: Any,
    gen: Any,
    owner: Any,
    depth: int,
    limit: int,
    err: Any,
    stack: _Stack,
    idle: _Idle,
    spins: int = 0,
) -> tuple[Any, Any, int, Any, NixError | None]:
    """A frame finished with ``result`` to evaluate in its place (a thunk, call or
    frame in tail position), or failed with ``err``: the frame to run next (``None``:
    the end), its owner and depth, the value to send it and the error to throw in it;
    ``spins``: the calls made in a row already (see :data:`TAIL_SPINS`)."""
    owners = owner if type(owner) is list else [] if owner is None else [owner]  # appended to
    fast = 0  # 1: a lambda's body to start, 2: a builtin given its last (or every) argument
    if err is None and type(result) is Call:
        fn = result.fn
        if type(fn) is Thunk and fn.code is None:  # `f x` leaves `f` to the loop
            result.fn = fn = fn.value
        if depth < limit:
            if type(fn) is Closure or type(fn) is partial:  # (see `_dispatch`)
                fast = 1
            elif type(fn) is PrimOpApp and fn.op.arity == 2 or type(result.arg) is tuple:
                fast = 2  # `map f xs`, `filter p xs`, ...: `_dispatch`'s commonest
    if fast:  # the commonest tails (a body ending in a call), as below
        if len(owners) < TRACE_OWNERS:
            if gen is not None:
                owners.append(gen)
            if result.span is not None and len(owners) < TRACE_OWNERS:
                owners.append(result)
        depth += 1
        try:
            if fast == 2:
                spins = 1  # as the loop below counts a call
                a = result.arg
                result = fn.op.fn(fn.args[0], a) if type(fn) is PrimOpApp else fn.fn(*a)
            else:  # a lambda's body, or a marked lambda's inner body (`_dispatch`)
                result = fn.code(result.arg) if type(fn) is Closure else fn(result.arg)
        except Exception as exc:
            err = _call_failed(exc, result.span)
        if type(result) is GeneratorType and err is None:
            if idle:  # an idle driver runs the new frame
                return idle.pop(), owners or None, depth, result, None
            return result, owners or None, depth, None, None
        gen = None
    elif gen is not None and err is None and len(owners) < TRACE_OWNERS:
        owners.append(gen)  # for its trace entry ("while calling 'f'") if its tail fails
    while err is None:
        t = type(result)
        if t is not Thunk and t is not GeneratorType and t is not Call:
            for o in owners:  # a value: complete the frame, resume its caller
                if type(o) is Thunk:
                    o.value, o.code = result, None
            gen, owner, depth = stack.pop() if stack else (None, None, depth)
            return gen, owner, depth, result, None
        spins += 1
        if spins > TAIL_SPINS and t is not GeneratorType:  # plain bodies: the loop counts
            return _later(result), owners or None, depth, None, None
        if t is Thunk:
            code = result.code
            if code is None:
                result = result.value
                continue
            if code is BLACKHOLE:
                err = InfiniteRecursion(result.span)
                break
            result.value = code
            result.code = BLACKHOLE
            owners.append(result)
            try:
                result = code()
            except Exception as exc:
                err = _nix_error(exc)
                gen = None
            continue
        depth += 1  # a call or frame in tail position: one deeper
        if depth > limit:
            err = _too_deep().locate(getattr(result, "span", None))
            break
        if t is GeneratorType:
            if idle:  # an idle driver runs the new frame
                return idle.pop(), owners or None, depth, result, None
            return result, owners or None, depth, None, None
        if result.span is not None and len(owners) < TRACE_OWNERS:
            # The call site, kept (with the frame) for the trace if the callee fails.
            owners.append(result)
        try:
            result = _dispatch(result)
        except Exception as exc:
            err = _call_failed(exc, result.span)
            gen = None
            continue
        if type(result) is GeneratorType:  # the callee's frame: counted once, above
            if idle:  # an idle driver runs the new frame
                return idle.pop(), owners or None, depth, result, None
            return result, owners or None, depth, None, None
    gen, owner, depth, err = _unwind(err, gen, owners or None, stack)
    return gen, owner, depth, None, err


# `_call_request`'s answer when the call's result is not a tail to evaluate.
_NO_TAIL: Any = object()


def _call_request(
    req: Call, gen: Any, owner: Any, depth: int, state: tuple[int, _Stack, _Idle, Any]
) -> tuple[Any, Any, int, Any, Any, Any]:
    """A :class:`Call` a frame asked for (``state``: the loop's depth limit, stack,
    idle drivers and box): the frame to run next, its owner and depth, the value to
    send it, the error to throw in it, and the call's result when it is a tail to
    evaluate in a new frame's place (else :data:`_NO_TAIL`)."""
    limit, stack, idle, box = state
    fn = req.fn
    try:
        result = fn.code(req.arg) if type(fn) is Closure else _dispatch(req)
    except Exception as exc:
        return gen, owner, depth, None, _call_failed(exc, req.span), _NO_TAIL
    rt = type(result)
    if rt is not GeneratorType and rt is not Thunk and rt is not Call:
        return gen, owner, depth, result, None, _NO_TAIL
    stack.append((gen, owner, depth))
    depth += 1
    err = _too_deep().locate(req.span) if depth > limit else None
    if rt is GeneratorType:  # (a depth error is thrown into its frame as it starts)
        if err is not None:
            return result, None, depth, None, err, _NO_TAIL
        return (idle.pop() if idle else _new_driver(box)), None, depth, result, None, _NO_TAIL
    return None, req, depth, None, err, result  # its callee's trace entry if its tail fails


# What a driver yields when its frame has finished (its value is in the box).
_DONE = object()


def _driver(box: list[Any]) -> Frame:
    """Runs the frames sent to it one after another, relaying their requests.

    A frame's value comes back through ``yield from`` (no ``StopIteration``
    made, raised and caught per finished frame: about half of what a frame
    that finishes at once costs); the driver then yields :data:`_DONE` with
    the value in ``box[0]`` and the frame in ``box[1]`` (for its trace),
    also set when the frame fails.
    """
    frame = yield None
    while True:
        try:
            box[0] = yield from frame
        except BaseException:
            box[1] = frame
            raise
        box[1] = frame
        frame = yield _DONE


_DRIVER = _driver.__code__


def _new_driver(box: list[Any]) -> Frame:
    driver = _driver(box)
    next(driver)
    return driver


def _frame(gen: Any) -> Any:
    """The frame a waiting driver runs (a frame is its own)."""
    if type(gen) is GeneratorType and gen.gi_code is _DRIVER:
        return gen.gi_yieldfrom
    return gen


def _failed(gen: Any, box: list[Any]) -> Any:
    """The frame an error left: a driver dies with its frame, kept in ``box[1]``."""
    return box[1] if gen.gi_code is _DRIVER else gen


def _running(gen: Any, val: Any) -> Any:
    """The frame sent ``val`` next: a driver's, or the one it starts."""
    frame = _frame(gen)
    return val if frame is None else frame


# Where `_run` starts: what the current frame computes (thunks, None for calls),
# the error to throw into it (or a Resume: its request), the value to send it;
# `depth` counts the nested calls of the current frame, up to `limit`.
_NOTHING: Any = None


def _run(gen: Any, budget: Budget | None) -> Any:
    type_, Thunk_, Generator_, Call_, Closure_ = type, Thunk, GeneratorType, Call, Closure
    Resume_, BLACKHOLE_, tail_types, StopIteration_ = Resume, BLACKHOLE, _TAIL_TYPES, StopIteration
    stack, box, pool, DONE_ = _Stack(), [None, None], _Idle(), _DONE  # box: see _driver
    push, pop, idle, take = stack.append, stack.pop, pool.append, pool.pop
    depth, limit, owner, err, val = 0, _depth_limit(budget), _NOTHING, _NOTHING, _NOTHING
    chunk, st = _chunk(budget), (limit, stack, pool, box)  # st: for the rare paths' helpers
    while True:
        for _ in range(chunk):  # `chunk` trips, then the budget check
            try:
                if err is None:
                    req = gen.send(val)
                else:
                    e, err = err, None  # (a Resume "error": the request its frame, now `gen`, made)
                    req = e.req if type_(e) is Resume_ else gen.throw(e)
            except StopIteration_ as stop:
                result = stop.value
            except Exception as exc:
                gen, owner, depth, err = _unwind(exc, _failed(gen, box), owner, stack)
                continue
            else:
                if req is DONE_:  # a driver's frame finished (the commonest): as a StopIteration
                    idle(gen)
                    result, gen = box
                elif (t := type_(req)) is Thunk_:
                    code = req.code
                    if code is None or code is BLACKHOLE_:  # evaluated, or being evaluated
                        val, err = req.value, None if code is None else InfiniteRecursion(req.span)
                        continue
                    req.value, req.code = code, BLACKHOLE_
                    try:
                        result = code()
                    except Exception as exc:
                        result, err = None, _nix_error(exc)
                    rt = type_(result)
                    if rt is Generator_:  # the commonest: its body's frame
                        push((gen, owner, depth))
                        gen, owner, val = (take() if pool else _new_driver(box)), req, result
                        continue
                    if err is None and rt is not Thunk_ and rt is not Call_:
                        req.value, req.code, val = result, None, result  # a plain body's value
                        continue
                    push((gen, owner, depth))
                    gen, owner, val = None, req, None
                    if rt is Call_ and depth < limit:  # a thunk `f x`: `_tail`'s commonest start
                        if (k := type_(fn := result.fn)) is Thunk_ and fn.code is None:
                            result.fn, k = (fn := fn.value), type_(fn)  # the trace names `f`
                        if k is Closure_ or k is partial or type_(result.arg) is tuple:  # (`Call`)
                            a, depth = result.arg, depth + 1
                            owner = req if result.span is None else [req, result]  # and its site
                            try:  # (a `partial`: a marked lambda's inner body, see `_dispatch`)
                                g = fn.code if k is Closure_ else fn if k is partial else None
                                result = g(a) if g is not None else fn.fn(*a)  # (`Call`'s pair)
                            except Exception as exc:
                                err = _call_failed(exc, result.span)
                            if err is None and type_(result) in tail_types:
                                if type_(result) is Generator_:
                                    gen, val = (take() if pool else _new_driver(box)), result
                                    continue
                                spin = g is None  # a builtin's call counts, as in `_tail`
                                gen, owner, depth, val, err = _tail(
                                    result, None, owner, depth, limit, None, stack, pool, spin
                                )
                                if gen is None:
                                    return val
                                continue
                elif t is Generator_ or t is Resume_:  # a body started by code or a builtin
                    if depth >= limit:  # thrown into the waiting frame, located at its call
                        err = _too_deep().locate(span_of_running(_frame(gen)))
                        continue
                    push((gen, owner, depth))
                    owner, depth = None, depth + 1
                    if t is Resume_:  # its request: handled next, as if just made
                        gen, err, val = req.gen, req, None
                    else:
                        gen, val = (take() if pool else _new_driver(box)), req
                    continue
                elif t is Call_:  # (rare: builtins' calls are mostly in tail position)
                    gen, owner, depth, val, err, result = _call_request(req, gen, owner, depth, st)
                    if result is _NO_TAIL:
                        continue
                else:  # a value (e.g. a plain lambda body, `yield f.code(x)`, done at once)
                    val = req
                    continue
            if err is None and type_(result) not in tail_types:  # a value: resume the caller
                if type_(owner) is Thunk_:
                    owner.value, owner.code = result, None
                elif owner is not None:  # a list: thunks, frames and calls of tail calls
                    for o in owner:
                        if type_(o) is Thunk_:
                            o.value, o.code = result, None
                if not stack:
                    return result
                (gen, owner, depth), val = pop(), result
                continue
            gen, owner, depth, val, err = _tail(result, gen, owner, depth, limit, err, stack, pool)
            if gen is None:
                return val
        err, gen, chunk = _checkpoint(budget, chunk, gen, val, err, pool)


def force(value: Any, budget: Budget | None = None, cancel: CancelFlag | None = None) -> Any:
    """The forced value of ``value`` (a value or a thunk), run to completion."""
    if type(value) is not Thunk:
        return value
    if value.code is None:
        return value.value
    return run(_force_frame(value), budget, cancel)


def _force_frame(value: Thunk) -> Frame:
    return (yield value)


def call(fn: Any, arg: Any, budget: Budget | None = None, cancel: CancelFlag | None = None) -> Any:
    """Apply a Nix function to an argument outside any frame."""
    return run(_call_frame(fn, arg), budget, cancel)


def _call_frame(fn: Any, arg: Any) -> Frame:
    return (yield Call(fn, arg))
