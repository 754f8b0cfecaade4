"""The call entries of a Nix trace, found from Python tracebacks.

Nix 2.26 adds, as an error leaves a function call, ``while calling the 'X'
builtin`` (always) or ``while calling 'f'`` and ``from call site`` (only
with ``--show-trace``), each located where Nix locates it: a builtin call
and a call site at the call expression, a lambda at the lambda.

nixls keeps no bookkeeping for this on the fast path. When an error leaves
a loop frame, the traceback since the previous frame lists the Python
frames it passed: generated code (its line gives the Nix expression being
evaluated, see :mod:`evaluator.vm.frames`) and builtins. Walking them from
the innermost, each builtin or lambda body is *pending* until the next
generated frame outside it, whose current line is the call site. A pending
callee left at the outermost frame of one segment carries over to the next
segment (the frame that waited for it).
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from types import CodeType, GeneratorType, MethodType, TracebackType
from typing import Any

from evaluator.vm.argument_trace import argument_entry, forcing_entry
from evaluator.vm.errors import EvalTypeError, NixError
from evaluator.vm.frames import CODE_INFO
from evaluator.vm.values import BLACKHOLE, Call, Closure, PrimOp, PrimOpApp, Thunk

LAMBDA_PREFIX = "while calling "
# Builtins whose calls add no entry (Nix: their own entry makes it redundant).
_NO_ENTRY = frozenset({"addErrorContext"})
# The code of each builtin's function, and its name (filled in as builtins are
# defined: the VM does not import the builtins, which import it).
_BUILTIN_CODES: dict[CodeType, str] = {}


# Thunk code shared by many thunks (:mod:`evaluator.vm.shared_code`): the
# trace entry of one such thunk, made from its code (a ``functools.partial``).
_SHARED_ENTRIES: dict[CodeType, Callable[[Any], tuple[str, Any]]] = {}


def register_shared_entry(fn: Any, entry: Callable[[Any], tuple[str, Any]]) -> None:
    """Thunks whose code is ``partial(fn, ...)`` add the trace entry ``entry(code)``
    (a message and its span) when an error leaves them."""
    _SHARED_ENTRIES[fn.__code__] = entry


# Helpers that settle a pending call themselves when an error reaches them (the
# `--strict` walk: its site depends on what it was forcing), even inside a
# builtin's frame (`deepSeq`).
_SETTLES_ITSELF: set[CodeType] = set()


def register_settling(fn: Any) -> None:
    """Frames of ``fn`` (a generator function) settle a pending call themselves."""
    _SETTLES_ITSELF.add(fn.__code__)


def register_builtin(fn: Any, name: str) -> None:
    """Record that frames of ``fn``'s code are calls of builtin ``name``."""
    code = getattr(fn, "__code__", None)
    if code is not None:
        _BUILTIN_CODES.setdefault(code, name)


def builtin_codes() -> list[CodeType]:
    """The codes of the builtins defined so far."""
    return list(_BUILTIN_CODES)


def _add(err: NixError, message: str, span: Any, full_only: bool) -> None:
    err.add_trace(message, span, full_only=full_only)


def _settle(err: NixError, pending: tuple[str, Any, Any], site: Any) -> None:
    kind, what, span = pending
    if kind == "builtin":
        if what in _NO_ENTRY:
            return
        _add(err, f"while calling the '{what}' builtin", site, False)
        if err.span is None and site is not None:
            # Raised by the builtin itself: Nix shows only the call's position.
            err.span = site
            err.__dict__["position_shown"] = False
    elif kind == "formals":
        # Nix checks the arguments before it enters the body: no "while
        # calling" entry, and the call site is shown even without --show-trace.
        if site is not None:
            _add(err, "from call site", site, False)
    else:
        _add(err, what, span, True)
        if site is not None:
            _add(err, "from call site", site, True)


def _code_of(fn: Any) -> CodeType | None:
    code = getattr(fn, "__code__", None)
    if code is None:
        code = getattr(getattr(fn, "func", None), "__code__", None)  # a functools.partial
    return code


def _callee(fn: Any) -> tuple[str, Any, Any] | None:
    """What a call of ``fn`` leaves pending in the trace (a lambda or a builtin)."""
    t = type(fn)
    if t is Closure or t is partial:  # (a marked lambda's inner body: see `loop._dispatch`)
        code = _code_of(fn.code if t is Closure else fn)
        info = CODE_INFO.get(code) if code is not None else None
        if info is not None and info.description is not None:
            return ("lambda", info.description, info.span)
        return None
    if t is PrimOpApp:
        fn = fn.op
    if type(fn) is PrimOp:
        return ("builtin", fn.name, None)
    return None


def record_calls(err: NixError, tb: TracebackType | None, owner: Any = None) -> None:
    """Add the call entries of one traceback segment (outermost frame first in ``tb``).

    ``owner`` is what the frame being left computes: thunks and the calls it
    made in tail position (each ran in its caller's place, so their frames
    are not in ``tb``), outermost first; they add their entries after it.
    """
    frames: list[tuple[CodeType, int]] = []
    lasti: dict[CodeType, int] = {}  # the innermost instruction of each code
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        lasti[tb.tb_frame.f_code] = tb.tb_lasti
        tb = tb.tb_next
    builtins = _BUILTIN_CODES
    pending: tuple[str, Any, Any] | None = err.__dict__.get("pending_call")
    # A type error raised in a builtin's own checks: which argument it was.
    checking = type(err) is EvalTypeError and "argument_seen" not in err.__dict__
    for code, line in reversed(frames):
        info = CODE_INFO.get(code)
        if info is None and type(err) is not EvalTypeError and code in builtins:
            message = forcing_entry(builtins[code], code, lasti.get(code, -1))
            if message is not None:
                _add(err, message, None, False)
        if checking and (info is not None or code in builtins):
            checking = False
            err.__dict__["argument_seen"] = True
            if info is None:
                message = argument_entry(builtins[code], code, lasti.get(code, -1))
                if message is not None:
                    _add(err, message, None, False)
        if info is not None:
            if pending is not None:
                _settle(err, pending, info.line_spans.get(line))
                pending = None
            for message, span in info.line_contexts.get(line, ()):
                _add(err, message, span, False)
            descr = info.description
            if descr is not None and descr.startswith(LAMBDA_PREFIX):
                if err.__dict__.pop("formals_error", False):
                    pending = ("formals", descr, info.span)
                else:
                    pending = ("lambda", descr, info.span)
            elif descr is not None:
                _add(err, descr, info.span, False)
            continue
        name = builtins.get(code)
        if name is not None:
            if pending is not None:
                _settle(err, pending, None)  # called by the builtin: no call site
            pending = ("builtin", name, None)
    if owner is not None:
        seen = {code for code, _ in frames}
        pending = _record_owner(err, owner, seen, pending)
    err.__dict__["pending_call"] = pending


def _record_owner(
    err: NixError, owner: Any, seen: set[CodeType], pending: tuple[str, Any, Any] | None
) -> tuple[str, Any, Any] | None:
    """The entries of the thunks and tail calls a frame ran in place of its caller."""
    for item in reversed(owner) if type(owner) is list else (owner,):
        t = type(item)
        if t is Call:
            callee = _callee(item.fn)
            if pending is None:
                pending = callee
            elif callee is not None and callee[0] == "builtin" and pending[0] != "builtin":
                # A function applied while the loop evaluated what this builtin
                # handed back (`head` of a `map` list): Nix's builtins force
                # without a position, so that call has no site; the builtin's
                # own entry is at this call.
                _settle(err, pending, None)
                pending = callee
            # Without a site (a call the loop was asked for) the waiting
            # frame's line is the call site: left pending for it.
            if pending is not None and item.span is not None:
                _settle(err, pending, item.span)
                pending = None
        elif t is GeneratorType:  # a frame that finished with a tail call
            info = CODE_INFO.get(item.gi_code)
            if info is None or info.description is None:
                continue
            if info.description.startswith(LAMBDA_PREFIX):
                # A thunk whose code is this body (a `genList` element) adds no second entry.
                seen.add(item.gi_code)
                if pending is None:
                    pending = ("lambda", info.description, info.span)
            elif item.gi_code not in seen:
                seen.add(item.gi_code)  # its thunk (next) adds no second entry
                _add(err, info.description, info.span, False)
        elif t is Thunk and item.code is BLACKHOLE:
            code = _code_of(item.value)  # the code of a thunk being evaluated
            info = CODE_INFO.get(code) if code is not None else None
            if info is not None and info.description is not None and code not in seen:
                _add(err, info.description, info.span, False)
            elif info is None and code in _SHARED_ENTRIES:
                _add(err, *_SHARED_ENTRIES[code](item.value), False)
    return pending


def enter(err: NixError, gen: Any) -> None:
    """``err`` is about to be thrown into the waiting frame ``gen``: a callee
    still pending is settled now (at the line ``gen`` waits at, or without a
    site if ``gen`` is a builtin), before ``gen``'s own handlers add entries."""
    pending = err.__dict__.get("pending_call")
    if pending is None or type(gen) is not GeneratorType:
        return
    inner = gen
    while type(inner.gi_yieldfrom) is GeneratorType:
        inner = inner.gi_yieldfrom
    if inner.gi_code in _SETTLES_ITSELF:
        return
    code = gen.gi_code
    info = CODE_INFO.get(code)
    if info is not None:
        frame = gen.gi_frame
        _settle(err, pending, info.line_spans.get(frame.f_lineno) if frame else None)
    elif code in _BUILTIN_CODES:
        _settle(err, pending, None)
    else:
        return
    err.__dict__["pending_call"] = None


def finish(err: NixError) -> None:
    """The outermost frame is left: a callee still pending has no call site."""
    pending = err.__dict__.pop("pending_call", None)
    if pending is not None:
        _settle(err, pending, None)


def settle_applied(err: NixError, code: Any) -> None:
    """``err`` left a list element that `--strict` printing forced, whose code was
    ``code``: a lazily applied lambda still waiting for its site (a `map` or
    `genList` element: code bound to its argument) is called from the lambda
    itself, as Nix's `Value::determinePos` of an application says; any other
    callee has no site."""
    pending = err.__dict__.get("pending_call")
    # (`support._thunks` binds an element's argument as a method's, or with a
    # `partial` when it is `null`; a `mapAttrs` value's code is another partial.)
    applied = type(code) is MethodType or (type(code) is partial and code.args[-1:] == (None,))
    if applied and pending is not None and pending[0] == "lambda":
        settle_at(err, pending[2])
    else:
        settle_at(err, None)


def settle_at(err: NixError, site: Any) -> None:
    """``err`` reached a waiting frame that is not generated code (a runtime
    helper standing in for it) at call site ``site``: the callee still pending
    is settled there, as :func:`enter` does at a generated frame's line."""
    pending = err.__dict__.get("pending_call")
    if pending is not None:
        _settle(err, pending, site)
        err.__dict__["pending_call"] = None
