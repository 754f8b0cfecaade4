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

from types import CodeType, TracebackType
from typing import Any

from evaluator.vm.errors import NixError
from evaluator.vm.frames import CODE_INFO

LAMBDA_PREFIX = "while calling "
# The code of each builtin's function, and its name (filled in as builtins are
# defined: the VM does not import the builtins, which import it).
_BUILTIN_CODES: dict[CodeType, str] = {}


def register_builtin(fn: Any, name: str) -> None:
    """Record that frames of ``fn``'s code are calls of builtin ``name``."""
    code = getattr(fn, "__code__", None)
    if code is not None:
        _BUILTIN_CODES.setdefault(code, name)


def _add(err: NixError, message: str, span: Any, full_only: bool) -> None:
    err.add_trace(message, span)
    if full_only:
        only: set[int] = err.__dict__.setdefault("full_trace_only", set())
        only.add(len(err.trace) - 1)


def _settle(err: NixError, pending: tuple[str, Any, Any], site: Any) -> None:
    kind, what, span = pending
    if kind == "builtin":
        _add(err, f"while calling the '{what}' builtin", site, False)
    else:
        _add(err, what, span, True)
        if site is not None:
            _add(err, "from call site", site, True)


def record_calls(err: NixError, tb: TracebackType | None, tail_site: Any = None) -> None:
    """Add the call entries of one traceback segment (outermost frame first in ``tb``).

    ``tail_site`` is where the frame being left was called from when it runs in
    place of its caller (a call in tail position): it settles a pending callee.
    """
    frames: list[tuple[CodeType, int]] = []
    while tb is not None:
        frames.append((tb.tb_frame.f_code, tb.tb_lineno))
        tb = tb.tb_next
    builtins = _BUILTIN_CODES
    pending: tuple[str, Any, Any] | None = err.__dict__.get("pending_call")
    for code, line in reversed(frames):
        info = CODE_INFO.get(code)
        if info is not None:
            if pending is not None:
                _settle(err, pending, info.line_spans.get(line))
                pending = None
            descr = info.description
            if descr is not None and descr.startswith(LAMBDA_PREFIX):
                pending = ("lambda", descr, info.span)
            elif descr is not None:
                _add(err, descr, info.span, False)
            continue
        name = builtins.get(code)
        if name is not None:
            if pending is not None and pending[0] == "lambda":
                _settle(err, pending, None)  # called by the builtin: no call site
            pending = ("builtin", name, None)
    if pending is not None and tail_site is not None:
        _settle(err, pending, tail_site)
        pending = None
    err.__dict__["pending_call"] = pending


def finish(err: NixError) -> None:
    """The outermost frame is left: a callee still pending has no call site."""
    pending = err.__dict__.pop("pending_call", None)
    if pending is not None:
        _settle(err, pending, None)
