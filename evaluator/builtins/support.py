"""Small helpers shared by the builtin theme modules (no builtins here)."""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterable
from functools import partial
from types import FunctionType, GeneratorType, MethodType
from typing import Any

from evaluator.vm import walk
from evaluator.vm.budget import charge
from evaluator.vm.call_trace import register_builtin
from evaluator.vm.errors import NixError
from evaluator.vm.ops import type_error
from evaluator.vm.ops_support import type_set
from evaluator.vm.runtime import MISSING
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
)

__all__ = ["MISSING", "charge"]  # re-exported for the theme modules

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


def _check_function(f: Any) -> None:
    """Raise unless a forced value can be called (a function or a functor set);
    (its name tells `vm/argument_trace` the argument is forced strictly)."""
    t = type(f)
    if t is not Closure and t is not PrimOp and t is not PrimOpApp:
        if t is not Attrs or "__functor" not in f:
            raise type_error(f, "a function")


def frame_of(name: str) -> Callable[[Callable[..., Frame]], Callable[..., Frame]]:
    """Mark a generator function as the frame of builtin ``name`` (for its
    trace entries): a builtin written as a plain function for the common case
    (its arguments evaluated, no call to make) returns such a frame for the
    rest, so a call that needs nothing from the loop makes no frame."""

    def mark(fn: Callable[..., Frame]) -> Callable[..., Frame]:
        register_builtin(fn, name)
        return fn

    return mark


def _apply1(fn: Any, arg: Any) -> Any:
    # The thunk's code returns the Call: the loop runs it in the thunk's
    # place (no frame of its own).
    return Call(fn, arg)


def _apply2(fn: Any, a: Any, b: Any) -> Frame:
    g = yield Call(fn, a)
    return Call(g, b)


# What a function body may return to be evaluated in its place (the loop
# runs it), or what `apply_now` may give that needs the loop; anything else
# is a value. (Its test costs one probe for every usual class wherever the
# classes are allocated: `ops_support.type_set`.)
TAILS = type_set((GeneratorType, Thunk, Call, Resume))


def _apply2_code(code: Any, a: Any, b: Any) -> Any:
    # `f a b` for a lambda `f` whose body for `a` is usually a lambda given
    # at once (`name: value: ...`): then no frame of its own, the loop takes
    # the `Call` as this thunk's tail (the same trace as from a frame).
    g = code(a)
    if type(g) in TAILS:
        return _apply2_wait(g, b)
    if type(g) is Closure:
        # Its body for `b` started here, as the loop would start the `Call`
        # (which keeps no site for the trace): the thunk's frame at once.
        return g.code(b)
    return Call(g, b)


def _apply2_wait(g: Any, b: Any) -> Frame:
    g = yield g
    return Call(g, b)


def peek(gen: Any, fn: Any, arg: Any) -> Any:
    """What to use for ``fn arg`` (a lambda or builtin), ``gen`` being its new frame.

    The frame is run here until its first request: most bodies a builtin
    applies per element (a predicate, a comparator) finish without one, and
    their value needs no trip through the loop. A body that asks the loop
    for something is handed to the loop as it stands (a :class:`Resume`: the
    loop answers that request, then runs the body as any frame). One that
    made no request but failed or ended in a tail is started again, as a
    new frame, and given to the loop: having asked nothing, it does the same
    again, and the loop reports or continues it as it always did.
    """
    value = None
    try:
        req = gen.send(None)
    except StopIteration as stop:
        value = stop.value
        if type(value) not in TAILS:
            return value
    except Exception:
        pass
    else:
        return Resume(gen, req)
    return started_again(gen, fn, arg, value)


def started_again(gen: Any, fn: Any, arg: Any, ended: Any) -> Any:
    """``fn arg`` as a new frame for the loop, ``gen`` (its frame started by a
    builtin) having made no request and failed, or ended in the tail ``ended``:
    a body ending in a tail is given to the loop unstarted from then on."""
    if type(ended) in TAILS:
        _tailed(gen.gi_code)
    return fn.code(arg) if type(fn) is Closure else Call(fn, arg)


def run_again(gen: Any, run: Callable[[Any, Any], Any], a: Any, b: Any, ended: Any) -> Any:
    """:func:`started_again` for a body started as ``run(a, b)`` (see
    :func:`two_argument_code`): its new frame, for the loop."""
    if type(ended) in TAILS:
        _tailed(gen.gi_code)
    return run(a, b)


# The codes of bodies that finished with a tail when started here (`x: f x y`):
# such a body is given to the loop unstarted (run here, it would be run twice).
# Ids: a stale one only costs a body run by the loop.
_TAILING: set[int] = set()


def _tailed(code: Any) -> None:
    if len(_TAILING) > 1 << 14:
        _TAILING.clear()
    _TAILING.add(id(code))


# `inspect.CO_GENERATOR` (`inspect` and `dis` stay off the start-up path).
CO_GENERATOR = 0x20


def evaluate_plain(x: Thunk) -> bool:
    """Evaluate ``x`` (a thunk not yet evaluated) here if its code is a plain
    function that gives a value at once (or the call of a builtin of one
    argument, or of a lambda with a plain body, that gives one), as the loop
    would on forcing it (or that call's frame ends without asking the loop
    anything, for a lambda); whether ``x`` is evaluated now.

    For a builtin about to force ``x`` (a list argument `attrNames s`: no trip
    through the loop then), or to apply a function to it (`foldl'`'s
    elements): most bodies ask for their argument first, which costs that
    body a frame and three trips through the loop. Plain code (not a
    generator function) asks the loop for nothing, has no effect but its
    result and always ends, so running it early is unobservable: a value is
    kept (the loop would keep the same), anything else (an error, a tail, a
    frame) is dropped and left to the loop, should the element be needed.
    """
    code: Any = x.code
    if code is None:
        return True
    if code is BLACKHOLE:
        return False
    t = type(code)
    fn = code.__func__ if t is MethodType else code.func if t is partial else code
    if type(fn) is partial:  # (`code_function`'s rarer case: a bound method of a `partial`)
        fn = fn.func
    try:  # (no exception costs nothing; two `getattr`s with defaults were 2 calls)
        flags = fn.__code__.co_flags
    except AttributeError:
        return False
    if flags & CO_GENERATOR:
        return False
    try:
        value = code()
        if type(value) is Call:
            f = value.fn
            if type(f) is Thunk and f.code is None:
                f = f.value
            if type(f) is PrimOp and f.arity == 1:
                value = f.fn(value.arg)
            else:
                if type(f) is Closure:
                    value = f.code(value.arg)
                elif type(f) is partial:  # a marked lambda's inner body (`f a b`: `loop._dispatch`)
                    value = f(value.arg)
                if type(value) is GeneratorType:
                    # The lambda's frame (generated code, whose effects are
                    # requests): kept if it ends without asking the loop
                    # anything, as `evaluate_ahead` keeps one; else dropped.
                    value = finish_now(value)
                    if value is ASKED:
                        return False
    except Exception:
        return False
    if type(value) in TAILS:
        if type(value) is not Thunk or value.code is not None:
            return False
        # An evaluated thunk (`x.a`'s shared `select` gives the attribute's):
        # the loop would take its value as this one's, and nothing can fail.
        value = value.value
    x.value = value
    x.code = None
    return True


def evaluate_ahead(x: Thunk) -> bool:
    """Evaluate ``x`` (a thunk not yet evaluated whose code is a generator
    function) here if its frame ends with a value without asking the loop
    anything; whether ``x`` is evaluated now.

    For `foldl'`'s elements (`range`'s `n: first + n`: a frame only because
    `first` might have been a thunk): a frame that asks nothing has done
    nothing observable but compute (its effects are requests), so running it
    early is like `evaluate_plain`'s plain code; one that asks for something,
    fails or ends in a tail is dropped and left to the loop, which runs it
    again should the element be needed. Blackholed meanwhile, as the loop
    does: a frame needing its own thunk asks for it and is dropped.
    """
    code: Any = x.code
    x.value, x.code = code, BLACKHOLE
    value: Any = x
    try:
        value = code()
        if type(value) is GeneratorType:
            value = finish_now(value)
    except Exception:
        value = x
    if value is ASKED or value is x or type(value) in TAILS:
        x.value, x.code = None, code
        return False
    x.value, x.code = value, None
    return True


# What `finish_now` gives for a frame that asked the loop for something.
ASKED = object()


def finish_now(frame: Frame) -> Any:
    """What the new frame ``frame`` returns if it asks the loop for nothing (a
    value or a tail), else :data:`ASKED` (the frame is then dropped: having
    asked nothing yet, it did nothing observable); raises what it raised.

    Run by a runner (`yield from`): its end raises no `StopIteration`, which
    costs about as much again as a frame that ends at once.
    """
    runner = RUNNERS.pop() if RUNNERS else new_runner()
    ended = runner.send(frame)
    if type(ended) is tuple:
        RUNNERS.append(runner)
        return ended[0]
    return ASKED  # (dropped with the runner, which closes both)


def _runner() -> Frame:
    """Runs the frames sent to it, yielding each one's value in a 1-tuple (no
    request is a tuple); a frame that asks or fails ends the runner too."""
    frame = yield None
    while True:
        frame = yield ((yield from frame),)


def new_runner() -> Frame:
    """A runner (see :func:`finish_now`) ready for its first frame."""
    runner = _runner()
    next(runner)
    return runner


# Idle runners (each used by one thread at a time: `list.pop` is atomic);
# a builtin may keep one while it runs, and give it back here.
RUNNERS: list[Any] = []


def is_generator_code(fn: Any) -> bool:
    """Whether ``fn`` (a thunk's or body's code, maybe a `partial`) makes frames."""
    return bool(getattr(getattr(code_function(fn), "__code__", None), "co_flags", 0) & CO_GENERATOR)


def code_function(code: Any) -> Any:
    """The Python function a thunk's code ``code`` runs: ``code`` itself, or
    what a `partial` or a bound method (see :func:`_thunks`) of it wraps."""
    t = type(code)
    if t is MethodType:
        code = code.__func__
        t = type(code)
    return code.func if t is partial else code


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
    items = args if isinstance(args, _SEQUENCES) else list(args)
    if len(items) <= _SMALL:
        # Most lists are short: no slices, no collector pause.
        charge(THUNK_BYTES * len(items))
        return _thunks(code, items)
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
            out += _thunks(code, items[lo : lo + _SLICE])
        finally:
            if enabled:
                gc.enable()
    return out


def _thunks(code: Any, items: Iterable[Any]) -> list[Thunk]:
    """``[Thunk(MethodType(code, x)) for x in items]``: the same slots set, without
    a Python frame of ``Thunk.__init__`` per element (−11% instructions each).

    A bound method calls ``code(x)`` as ``partial(code, x)`` would, but costs
    about half as much to make (a `partial` makes an argument tuple and a
    keyword dict too) and less to call; its ``__func__`` is ``code``, and it
    passes ``__code__`` and ``func`` on to ``code`` (what `vm/call_trace`
    reads to find a thunk's lambda), see :func:`code_function`.
    """
    new, cls, bind = object.__new__, Thunk, MethodType
    out: list[Thunk] = []
    add = out.append
    for x in items:
        t = new(cls)
        t.value = None
        # (A method cannot be bound to None: `map f [ null ]`.)
        t.code = bind(code, x) if x is not None else partial(code, x)
        t.span = None
        add(t)
    return out


# What `app_thunks` takes as it is (a constant: `list | range` would make a
# `types.UnionType` per call, 4x the `isinstance`).
_SEQUENCES = (list, range)

# Bytes a lazily applied element costs (thunk, partial, list slot), measured.
THUNK_BYTES = 250
_SLICE = 1 << 16
_SMALL = 512


def apply_now(fn: Any, arg: Any) -> Any:
    """``fn arg`` for a forced function, as far as it goes without the loop:
    its value, or what to yield to the loop for it (a frame, thunk or call)."""
    t = type(fn)
    if t is Closure:
        r = fn.code(arg)
        if type(r) is GeneratorType:
            if type(arg) is Thunk and arg.code is not None:
                # A body given an unevaluated argument mostly asks the loop
                # for it: not started here, unless plain code gives it now.
                if not evaluate_plain(arg):
                    return r
            if id(r.gi_code) in _TAILING:
                return r  # it would end in a tail: the loop runs it once
            try:  # (`peek`, inline)
                req = r.send(None)
            except StopIteration as stop:
                value = stop.value
                if type(value) not in TAILS:
                    return value
                return started_again(r, fn, arg, value)
            except Exception:
                return fn.code(arg)
            return Resume(r, req)
        if type(r) is Thunk and r.code is not None:
            # A plain body ending in a thunk to force (`x: x`): Nix forces it
            # inside the call, under the lambda's entry; the loop's call does.
            return Call(fn, arg)
        return r
    if t is PrimOp and fn.arity == 1:
        # A builtin predicate (`filter isString`): the same, as the loop's
        # call would run it; a tail it returns is left to that call.
        r = fn.fn(arg)
        t = type(r)
        if t is GeneratorType:
            return peek(r, fn, arg)
        if t is Thunk or t is Call:
            return Call(fn, arg)
        return r
    return Call(fn, arg)


def app2_head(fn: Any) -> tuple[Callable[..., Any], bool]:
    """``(head, takes_a)`` such that ``Thunk(partial(head, a, b))`` (``partial(head,
    b)`` if not ``takes_a``) is the lazy application ``fn a b`` (for builders
    making many such thunks)."""
    if type(fn) is Thunk and fn.code is None:
        fn = fn.value
    if type(fn) is Closure:
        # `a: b: body`: the thunk's code is the inner body itself.
        return curried_inner(fn) or (partial(_apply2_code, fn.code), True)
    return partial(_apply2, fn), True


def curried_inner(fn: Closure) -> tuple[Callable[..., Any], bool] | None:
    """For a lambda `a: b: body` that the code generator marked (its body is
    only the inner lambda, see ``codegen_functions._curried_inner``):
    ``(head, takes_a)`` where ``head(a, b)`` (``head(b)`` if not ``takes_a``:
    `a` unused) is what applying ``fn`` to `a`, then the closure that gives to
    `b`, gives (the inner body's frame, or its value for a plain body);
    else None.

    Exactly that application: `fn`'s own body only makes that closure (it
    cannot fail nor wait), and the inner body's frame is the same either way,
    so traces and errors are the same; only the outer call, the closure and a
    `partial` are saved per application.
    """
    inner: Any = fn.curried
    t = type(inner)
    if t is tuple and len(inner) == 2:
        inner = inner[0]  # (the mark, its plain twin: see `two_argument_plain`)
        t = type(inner)
    if t is tuple:
        inner, takes_a = inner[0], False
    elif t is FunctionType:
        takes_a = True
    else:
        return None
    code = fn.code
    return (partial(inner, *code.args) if type(code) is partial else inner), takes_a


def two_argument_code(fn: Any) -> Callable[[Any, Any], Any] | None:
    """``run`` with ``run(a, b)`` what the lambda ``fn`` (`a: b: body`, marked
    by the code generator) applied to `a` and `b` gives at once (a frame of
    its inner body, or its value), else None (see :func:`curried_inner`)."""
    if type(fn) is not Closure:
        return None
    inner = curried_inner(fn)
    if inner is None:
        return None
    head, takes_a = inner
    return head if takes_a else partial(_second_only, head)


def _second_only(head: Callable[[Any], Any], a: Any, b: Any) -> Any:
    return head(b)


def two_argument_plain(fn: Any) -> Callable[[Any, Any], Any] | None:
    """``plain`` with ``plain(a, b)`` what :func:`two_argument_code`'s ``run(a,
    b)`` gives when its frame would end without asking the loop for anything,
    else ``MISSING`` (then nothing observable was done: ``run(a, b)`` is to
    be started instead), for a lambda whose inner body has a plain twin
    (``compiler.codegen_functions._plain_twin``); else None.

    ``plain`` may raise (then ``run(a, b)`` raises the same, as a frame the
    loop reports) or return a tail (which ``run(a, b)`` gives the loop).
    """
    if type(fn) is not Closure:
        return None
    mark: Any = fn.curried
    if type(mark) is not tuple or len(mark) != 2:
        return None
    inner, twin = mark
    code = fn.code
    head = partial(twin, *code.args) if type(code) is partial else twin
    return head if type(inner) is not tuple else partial(_second_only, head)


def lazy_frame(frame_fn: Any, *args: Any) -> Thunk:
    """A thunk running the generator function ``frame_fn(*args)`` when forced."""
    return Thunk(partial(frame_fn, *args))


class ElementCode:
    """What a builtin applying a function to a list's elements in turn
    (`foldl'`) learned of their code (see :meth:`evaluate`)."""

    __slots__ = ("plain", "ahead", "neither")

    def __init__(self) -> None:
        # The function of the elements' code last found plain, found to make
        # a frame that ends at once (`range`'s `n: first + n`), found neither.
        self.plain: Any = None
        self.ahead: Any = None
        self.neither: Any = None

    def evaluate(self, x: Thunk, code: Any) -> Any:
        """Evaluate the element ``x`` (its code ``code``) here if that is
        unobservable (see `evaluate_plain`, `evaluate_ahead`); the function
        of the elements' code last found plain: the caller runs the next
        elements of that function (`genList`'s bound methods) at once."""
        t = type(code)
        fn = code.__func__ if t is MethodType else code.func if t is partial else None
        if fn is None or fn is self.plain:
            evaluate_plain(x)
        elif fn is self.ahead:
            if not evaluate_ahead(x):
                self.ahead, self.neither = None, fn
        elif fn is not self.neither:
            if evaluate_plain(x):
                self.plain = fn
            elif is_generator_code(fn) and evaluate_ahead(x):
                self.ahead = fn
            else:
                self.neither = fn
        return self.plain


class Starter:
    """``start(a, b)``: what ``run(a, b)`` (a :func:`two_argument_code`) gives, as
    far as it goes without the loop, for a builtin applying it to many
    evaluated pairs (`foldl'`, `sort`): its value, or what to yield for it.

    The first frame is sent to directly; once one has ended without asking
    the loop for anything, the next are run by a runner (a body that ends
    raises no `StopIteration`, see :func:`finish_now`). One of those that
    fails or asks the loop for something (having done nothing observable
    yet) is dropped with the runner and a new frame is given to the loop
    (which reports the error). After a frame asked, the next ones are given
    to the loop unstarted.
    """

    __slots__ = ("run", "runner", "asked")

    def __init__(self, run: Callable[[Any, Any], Any]) -> None:
        self.run = run
        self.runner: Any = None
        self.asked = False

    def __call__(self, a: Any, b: Any) -> Any:
        r = self.run(a, b)
        if type(r) is not GeneratorType or self.asked:
            return r
        runner = self.runner
        if runner is None:
            # The first frame is sent to directly: one that asks is handed to
            # the loop as it stands (most bodies that ask, ask every time:
            # the next ones are not started here at all).
            try:
                req = r.send(None)
            except StopIteration as stop:
                v = stop.value
                if type(v) in TAILS:
                    return run_again(r, self.run, a, b, v)
                self.runner = RUNNERS.pop() if RUNNERS else new_runner()
                return v
            except Exception:
                self.asked = True
                return self.run(a, b)  # a new frame: the loop reports the error
            self.asked = True
            return Resume(r, req)
        try:
            ended = runner.send(r)
        except Exception:
            ended = None
        if type(ended) is tuple:
            v = ended[0]
            return run_again(r, self.run, a, b, v) if type(v) in TAILS else v
        self.runner, self.asked = None, True
        return self.run(a, b)

    def done(self) -> None:
        """Give the runner back (the builtin has finished)."""
        if self.runner is not None:
            RUNNERS.append(self.runner)
            self.runner = None
