"""Control builtins: errors (`throw`, `abort`), `tryEval`, strictness, `trace`."""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.vm import ops
from evaluator.vm.context import current
from evaluator.vm.errors import AbortError, CatchableError, ThrownError
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
def seq(a: Any, b: Any) -> Frame:
    """`seq a b`: evaluate `a` (shallowly), then return `b`."""
    if type(a) is Thunk and a.code is not None:
        yield a
    return b


@builtin("deepSeq", 2)
def deep_seq(a: Any, b: Any) -> Frame:
    """`deepSeq a b`: evaluate `a` completely (lists and sets too), then return `b`."""
    yield from ops.deep_force(a)
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
    err = current().stderr
    line = f"trace: {text}"
    isatty = getattr(err, "isatty", None)
    if not (isatty is not None and isatty()):
        line = filter_ansi_escapes(line)
    err.write(line + "\n")
    err.flush()
    return v


def filter_ansi_escapes(s: str) -> str:
    """``s`` as Nix logs it to a non-terminal: escape sequences removed, tabs
    expanded to multiples of 8 columns, carriage returns and bells dropped."""
    out: list[str] = []
    width = 0
    i = 0
    n = len(s)
    while i < n:
        c = s[i]
        if c == "\x1b":
            i += 1
            if i < n and s[i] == "[":
                i += 1
                while i < n and "\x30" <= s[i] <= "\x3f":
                    i += 1
                while i < n and "\x20" <= s[i] <= "\x2f":
                    i += 1
                if i < n and "\x40" <= s[i] <= "\x7e":
                    i += 1
            elif i < n and "\x40" <= s[i] <= "\x5f":
                i += 1
        elif c == "\t":
            out.append(" ")
            width += 1
            while width % 8:
                out.append(" ")
                width += 1
            i += 1
        elif c == "\r" or c == "\a":
            i += 1
        else:
            out.append(c)
            width += 1
            i += 1
    return "".join(out)


def show_value(v: Any) -> str:
    """A value as Nix prints it, without forcing anything (for `trace`)."""
    from evaluator.vm.printer import render

    return render(v, shown=True)
