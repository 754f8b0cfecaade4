"""Type predicates, `typeOf`, and the constants `true`, `false` and `null`."""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin, constant
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


@builtin("typeOf", 1)
def type_of(v: Any) -> Frame:
    """`typeOf x`: the type of `x` as a string: "int", "bool", "string", "path", "null",
    "set", "list", "lambda" or "float"."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type_name(v)


@builtin("isNull", 1, global_=True)
def is_null(v: Any) -> Frame:
    """`isNull x`: whether `x` is null (prefer `x == null`)."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return v is None


@builtin("isAttrs", 1)
def is_attrs(v: Any) -> Frame:
    """`isAttrs x`: whether `x` is an attribute set."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type(v) is Attrs


@builtin("isBool", 1)
def is_bool(v: Any) -> Frame:
    """`isBool x`: whether `x` is a Boolean."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type(v) is bool


@builtin("isFloat", 1)
def is_float(v: Any) -> Frame:
    """`isFloat x`: whether `x` is a floating-point number."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type(v) is float


@builtin("isInt", 1)
def is_int(v: Any) -> Frame:
    """`isInt x`: whether `x` is an integer."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type(v) is int


@builtin("isFunction", 1)
def is_function(v: Any) -> Frame:
    """`isFunction x`: whether `x` is a function (a set with `__functor` is not)."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    t = type(v)
    return t is Closure or t is PrimOp or t is PrimOpApp


@builtin("isList", 1)
def is_list(v: Any) -> Frame:
    """`isList x`: whether `x` is a list."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type(v) is NixList


@builtin("isPath", 1)
def is_path(v: Any) -> Frame:
    """`isPath x`: whether `x` is a path (not a string)."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    return type(v) is NixPath


@builtin("isString", 1)
def is_string(v: Any) -> Frame:
    """`isString x`: whether `x` is a string (with or without context)."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    t = type(v)
    return t is str or t is CtxStr
