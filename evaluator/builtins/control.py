"""Control builtins: errors (`throw`, `abort`), `tryEval`, strictness, `trace`, `warn`,
`traceVerbose` and `break`."""

from __future__ import annotations

import os
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import frame_of
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.deep_force import deep_force
from evaluator.vm.errors import AbortError, CatchableError, ThrownError
from evaluator.vm.terminal import for_stream
from evaluator.vm.values import Attrs, CtxStr, Frame, Thunk


@builtin("throw", 1, global_=True)
def throw(msg: Any) -> Frame:
    """`throw message`: fail with `message`; `tryEval` can catch this error."""
    s = yield from ops.coerce_to_string(msg)
    raise ThrownError(str.__str__(s))


@builtin("abort", 1, global_=True)
def abort(msg: Any) -> Frame:
    """`abort message`: stop evaluation with `message`; this cannot be caught."""
    s = yield from ops.coerce_to_string(msg)
    raise AbortError(f"evaluation aborted with the following error message: '{str.__str__(s)}'")


@builtin("tryEval", 1)
def try_eval(e: Any) -> Frame:
    """`tryEval e`: `{ success = true; value = e; }`, or `{ success = false; value = false; }`
    if evaluating `e` (shallowly) throws or fails an assertion."""
    try:
        if type(e) is Thunk:
            e = e.value if e.code is None else (yield e)
    except CatchableError:
        return Attrs(success=False, value=False)
    return Attrs(success=True, value=e)


@builtin("seq", 2)
def seq(a: Any, b: Any) -> Any:
    """`seq a b`: evaluate `a` (shallowly), then return `b`."""
    # Both evaluated: `b` at once. Otherwise a frame, so that an error in
    # either is "while calling the 'seq' builtin", as in Nix (which forces both).
    if type(a) is not Thunk or a.code is None:
        if type(b) is not Thunk:
            return b
        if b.code is None:
            return b.value
    return _seq(a, b)


@frame_of("seq")
def _seq(a: Any, b: Any) -> Frame:
    if type(a) is Thunk and a.code is not None:
        yield a
    return b


@builtin("deepSeq", 2)
def deep_seq(a: Any, b: Any) -> Frame:
    """`deepSeq a b`: evaluate `a` completely (lists and sets too), then return `b`."""
    yield from deep_force(a)
    return b


@builtin("trace", 2)
def trace(msg: Any, v: Any) -> Frame:
    """`trace message v`: print `trace: message` to standard error, then return `v`."""
    if type(msg) is Thunk:
        msg = msg.value if msg.code is None else (yield msg)
    if type(msg) is str or type(msg) is CtxStr:
        text = str.__str__(msg)
    else:
        text = show_value(msg)
    _log(f"trace: {text}")
    return v


def _log(line: str) -> None:
    ctx = current()
    err = ctx.stderr
    # Colour only on a terminal, as Nix's logger (the editor's evaluations see no environment).
    environ = (ctx.environ if ctx.environ is not None else os.environ) if ctx.allow_env else {}
    err.write(for_stream(line, err, environ) + "\n")
    err.flush()


@builtin("warn", 2)
def warn(msg: Any, v: Any) -> Frame:
    """`warn message v`: print `evaluation warning: message` to standard error, then
    return `v`; `message` must be a string."""
    text = yield from ops.force_string(msg)
    _log(f"evaluation warning: {str.__str__(text)}")
    if _abort_on_warn():
        # Like `abort`, not catchable by `tryEval`.
        raise AbortError("aborting to reveal stack trace of warning, as abort-on-warn is set")
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return v


_TRUE = ("true", "yes", "1")


def _abort_on_warn() -> bool:
    """Nix's `abort-on-warn` setting, as the environment gives it (`NIX_ABORT_ON_WARN`,
    or a line of `NIX_CONFIG`); the editor's evaluations see no environment."""
    ctx = current()
    if ctx.getenv("NIX_ABORT_ON_WARN") in _TRUE:
        return True
    for line in ctx.getenv("NIX_CONFIG").splitlines():
        name, _, value = line.partition("=")
        if name.strip() == "abort-on-warn":
            return value.strip() in _TRUE
    return False


@builtin("traceVerbose", 2)
def trace_verbose(msg: Any, v: Any) -> Frame:
    """`traceVerbose message v`: like `trace` when Nix runs with `--trace-verbose`;
    otherwise (as here) just `v`, without evaluating `message`."""
    return v
    yield  # pragma: no cover - makes this a generator


@builtin("break", 1, global_=True)
def break_(v: Any) -> Frame:
    """`break v`: stop in the debugger when Nix runs with `--debugger`; otherwise (as
    here) just `v`."""
    return v
    yield  # pragma: no cover - makes this a generator


def show_value(v: Any) -> str:
    """A value as Nix prints it, without forcing anything (for `trace`)."""
    from evaluator.vm.printer import render

    return render(v, shown=True)
