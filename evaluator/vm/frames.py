"""What the loop knows about generated code: spans and trace descriptions.

Generated Python code is registered here (per code object) so that the loop
can turn a Python position into a Nix source span without any bookkeeping
on the fast path: an error's span is found from the line of the innermost
generated frame in its traceback, and a frame that an error unwinds through
adds its ``while evaluating ...`` entry from its :class:`CodeInfo`.
"""

from __future__ import annotations

import weakref
from collections.abc import Mapping
from dataclasses import dataclass
from types import CodeType, TracebackType
from typing import Any

Span = tuple[Any, int, int]


@dataclass(frozen=True, slots=True)
class CodeInfo:
    """Nix-level facts about one generated code object.

    ``description`` is the trace entry added when an error leaves a frame of
    this code (``None``: no entry); ``span`` locates that entry;
    ``line_spans`` maps generated line numbers to the span of the Nix
    expression that line evaluates (shared by every code object of a file).
    """

    description: str | None
    span: Span | None
    line_spans: Mapping[int, Span]


# Weak keys: code of a re-evaluated document is dropped with its module.
CODE_INFO: weakref.WeakKeyDictionary[CodeType, CodeInfo] = weakref.WeakKeyDictionary()


def register(code: CodeType, info: CodeInfo) -> None:
    """Attach Nix facts to a generated code object."""
    CODE_INFO[code] = info


def span_in_traceback(tb: TracebackType | None) -> Span | None:
    """The span of the innermost generated line in a traceback, if any."""
    found: Span | None = None
    while tb is not None:
        info = CODE_INFO.get(tb.tb_frame.f_code)
        if info is not None:
            span = info.line_spans.get(tb.tb_lineno)
            if span is not None:
                found = span
        tb = tb.tb_next
    return found


def span_of_running(gen: Any) -> Span | None:
    """The span of the line a suspended generator frame is waiting at."""
    frame = getattr(gen, "gi_frame", None)
    if frame is None:
        return None
    info = CODE_INFO.get(frame.f_code)
    if info is None:
        return None
    return info.line_spans.get(frame.f_lineno) or info.span
