"""Type predicates, `typeOf`, and the constants `true`, `false` and `null`."""

from __future__ import annotations

from collections.abc import Callable
from types import FunctionType
from typing import Any

from evaluator.builtins.registry import builtin, constant
from evaluator.builtins.support import frame_of
from evaluator.vm.ops_support import type_set
from evaluator.vm.values import (
    Attrs,
    Closure,
    CtxStr,
    Frame,
    NixList,
    NixPath,
    PrimOp,
    PrimOpApp,
    Thunk,
    type_name,
)

TRUE = constant("true", True, global_=True)
FALSE = constant("false", False, global_=True)
NULL = constant("null", None, global_=True)

# Each builtin is a plain function for an evaluated argument (no frame, no
# trip through the loop) and a frame to force one that is not: a frame of
# its own per builtin, which names it in the trace ("while calling the
# 'isAttrs' builtin").


def _forcing(v: Thunk, kinds: frozenset[type]) -> Frame:
    return type((yield v)) in kinds


def _frame(name: str) -> Callable[..., Frame]:
    """A copy of :func:`_forcing` with a code object of its own, registered as ``name``'s."""
    code = _forcing.__code__.replace(co_name=f"{_forcing.__name__}_{name}")
    return frame_of(name)(FunctionType(code, _forcing.__globals__, code.co_name))


def _predicate(name: str, kinds: tuple[type, ...], doc: str, global_: bool = False) -> Any:
    """Builtin ``name``: whether its argument's type is one of ``kinds``."""
    frame = _frame(name)
    types = type_set(kinds)  # (one probe for every usual class: see `type_set`)

    def plain(v: Any) -> Any:
        if type(v) is Thunk:
            if v.code is not None:
                return frame(v, types)
            v = v.value
        return type(v) in types

    return builtin(name, 1, global_=global_, doc=doc)(plain)


@builtin("typeOf", 1)
def type_of(v: Any) -> Any:
    """`typeOf x`: the type of `x` as a string: "int", "bool", "string", "path", "null",
    "set", "list", "lambda" or "float"."""
    if type(v) is Thunk:
        if v.code is not None:
            return _type_of(v)
        v = v.value
    return type_name(v)


@frame_of("typeOf")
def _type_of(v: Thunk) -> Frame:
    return type_name((yield v))


is_null = _predicate(
    "isNull", (type(None),), "`isNull x`: whether `x` is null (prefer `x == null`).", True
)
is_attrs = _predicate("isAttrs", (Attrs,), "`isAttrs x`: whether `x` is an attribute set.")
is_bool = _predicate("isBool", (bool,), "`isBool x`: whether `x` is a Boolean.")
is_float = _predicate("isFloat", (float,), "`isFloat x`: whether `x` is a floating-point number.")
is_int = _predicate("isInt", (int,), "`isInt x`: whether `x` is an integer.")
is_function = _predicate(
    "isFunction",
    (Closure, PrimOp, PrimOpApp),
    "`isFunction x`: whether `x` is a function (a set with `__functor` is not).",
)
is_list = _predicate("isList", (NixList,), "`isList x`: whether `x` is a list.")
is_path = _predicate("isPath", (NixPath,), "`isPath x`: whether `x` is a path (not a string).")
is_string = _predicate(
    "isString",
    (str, CtxStr),
    "`isString x`: whether `x` is a string (with or without context).",
)
