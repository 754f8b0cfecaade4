"""What `foldl'` learns of its elements' code, and the elements it evaluates ahead."""

from __future__ import annotations

from functools import partial
from types import GeneratorType, MethodType
from typing import Any

from evaluator.builtins.support import (
    TAILS,
    evaluate_plain,
    is_generator_code,
    new_runner,
)
from evaluator.vm.values import BLACKHOLE, Thunk

# `Elements.ahead` before a code is found to end at once (never a code).
_NONE = object()
NOT_AHEAD = _NONE  # (for `foldl'`, which runs the `ahead` case inline)


class Elements:
    """`support.ElementCode` for one fold, with `support.evaluate_ahead` inline.

    A fold over `range`'s elements (`n: first + n`: frames only because
    `first` might have been a thunk) evaluates each ahead of its body: one
    Python call an element here instead of three (`ElementCode.evaluate`,
    `evaluate_ahead`, `finish_now`), with the runner kept for the fold.
    The same rules: an element run ahead is blackholed meanwhile; a frame
    that asks the loop for anything, fails or ends in a tail is dropped (it
    did nothing observable) and left to the loop, and the next elements of
    that code are not tried again.
    """

    __slots__ = ("plain", "ahead", "neither", "runner")

    def __init__(self) -> None:
        # The function of the elements' code last found plain, found to make
        # a frame that ends at once, found neither.
        self.plain: Any = None
        self.ahead: Any = _NONE
        self.neither: Any = None
        self.runner: Any = None  # (taken for the first element run ahead)

    def evaluate(self, x: Thunk, code: Any) -> Any:
        """Evaluate the element ``x`` (its code ``code``) here if that is
        unobservable; the function of the elements' code last found plain
        (the caller runs the next elements of that function at once)."""
        t = type(code)
        fn = code.__func__ if t is MethodType else code.func if t is partial else None
        if fn is self.ahead:
            x.value, x.code = code, BLACKHOLE
            ended: Any = None
            try:
                g = code()
                ended = self.runner.send(g) if type(g) is GeneratorType else (g,)
            except Exception:
                pass  # (the runner, if it was running the frame, ended with it)
            if type(ended) is tuple and type(ended[0]) not in TAILS:
                x.value, x.code = ended[0], None
            else:
                x.value, x.code = None, code
                self.gave_up(fn)
        elif fn is None or fn is self.plain:
            evaluate_plain(x)
        elif fn is not self.neither:
            if evaluate_plain(x):
                self.plain = fn
            elif is_generator_code(fn) and self._first_ahead(x, code):
                self.ahead = fn
            else:
                self.neither = fn
        return self.plain

    def gave_up(self, fn: Any) -> None:
        """An element of ``fn``'s code run ahead did not end at once: the next
        are not tried (the runner, which relayed a request, is dropped)."""
        self.runner = new_runner()
        self.ahead, self.neither = _NONE, fn

    def _first_ahead(self, x: Thunk, code: Any) -> bool:
        if self.runner is None:
            self.runner = new_runner()  # (the fold's own: dropped with it)
        self.ahead = code.__func__ if type(code) is MethodType else code.func
        self.evaluate(x, code)
        return x.code is None
