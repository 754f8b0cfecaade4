"""Helpers called by generated code (see :mod:`evaluator.compiler.codegen`).

Generated functions inline the common fast paths (integers, plain strings,
evaluated thunks) and call these for everything else: slow paths, error
construction and the few constructs with loops (formals checks, dynamic
attributes, `with` lookups). Plain functions where no forcing is needed,
generators (used with ``yield from``) where it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from functools import partial
from types import GeneratorType
from typing import Any, NoReturn

from evaluator.vm import ops
from evaluator.vm.budget import ATTR_SIZE, LIST_ITEM_SIZE, charge
from evaluator.vm.call_trace import settle_at
from evaluator.vm.errors import AssertionFailed, EvalTypeError, NixError, suggest
from evaluator.vm.frames import SourceText
from evaluator.vm.ops_support import type_set
from evaluator.vm.values import (
    Attrs,
    Call,
    Closure,
    CtxStr,
    Frame,
    NixList,
    NixPath,
    PrimOp,
    PrimOpApp,
    Thunk,
    merge_positions,
)

INT_MIN = ops.INT_MIN
INT_MAX = ops.INT_MAX


class _Missing:
    """Marker for an absent attribute (distinct from every Nix value)."""

    __slots__ = ()

    def __repr__(self) -> str:
        return "MISSING"


MISSING: Any = _Missing()


def _pending() -> Frame:  # pragma: no cover - replaced before anything runs
    raise NixError("internal error: thunk used before its code was set")
    yield


# Code of a thunk allocated before its code is known (recursive bindings).
PENDING = _pending


def bool_error(v: Any) -> NixError:
    """A value used as a condition or Boolean operand is not a Boolean."""
    return ops.type_error(v, "a Boolean")


def select_error(s: Any, name: str) -> NixError:
    """``s.name`` failed: ``s`` is not a set, or has no attribute ``name``."""
    if type(s) is not Attrs:
        err = ops.type_error(s, "a set")
        # Nix's forceAttrs: the selection's position is an entry's (error_report
        # adds it), not the error's.
        err.__dict__["selecting"] = True
        err.__dict__["position_shown"] = False
        return err
    return suggest(NixError(f"attribute '{name}' missing"), s, name)


def name_error(v: Any) -> NixError:
    """A dynamic attribute name that is not a string."""
    return ops.type_error(v, "a string")


def undefined(name: str) -> NixError:
    """A variable no scope (lexical or `with`) defines."""
    return NixError(f"undefined variable '{name}'")


def assert_failed(text: str) -> NixError:
    """`assert c; e` with a false ``c`` (``text`` shows ``c`` as Nix does)."""
    return AssertionFailed(f"assertion '{text}' failed")


def syntax_error(message: str) -> NixError:
    """Evaluation reached a part of the tree the parser could not read."""
    return NixError(f"syntax error: {message}" if message else "syntax error")


def overflow(op: str, a: int, b: int, span: Any = None) -> NoReturn:
    """An int fast path left 64 bits: the overflow error (Nix 2.26 does not wrap).

    ``span``: for ``+`` the right operand (where Nix locates it), else the operator."""
    err = ops.overflow(op, a, b)
    if op == "+":
        raise err.locate(span)
    raise arith_error(err, op, a, span)


def add(a: Any, b: Any, spans: tuple[Any, Any]) -> Frame:
    """``a + b`` on forced values, beyond the fast paths; ``spans``: the operands'."""
    try:
        return (yield from ops.add(a, b))
    except EvalTypeError as err:
        index = err.__dict__.pop("segment", None)
        if index is not None:
            err.add_trace("while evaluating a path segment", spans[index])
            if err.span is None:
                err.span = spans[index]
                err.__dict__["position_shown"] = False
        raise


# `-`, `*` and `/` are calls of builtins in Nix: name, and how the trace names operands.
_ARITH = {
    "-": ("sub", "argument", "subtraction", ops.sub_values),
    "*": ("mul", "argument", "multiplication", ops.mul_values),
    "/": ("div", "operand", "division", ops.div_values),
}


def arith(op: str, a: Any, b: Any, span: Any) -> Any:
    """``a op b`` for ``-``, ``*``, ``/`` on forced values; ``span``: the operator."""
    try:
        return _ARITH[op][3](a, b)
    except NixError as err:
        raise arith_error(err, op, a, span) from None


def arith_error(err: NixError, op: str, a: Any, span: Any) -> NixError:
    """An error of ``a op b`` as Nix shows it: in the call of the operator's builtin."""
    _, word, what, _ = _ARITH[op]
    if isinstance(err, EvalTypeError):
        which = "first" if type(a) is not int and type(a) is not float else "second"
        err.add_trace(f"while evaluating the {which} {word} of the {what}", None)
    # ("while calling the '{name}' builtin" is the trace entry of its line.)
    if err.span is None:
        err.span = span
        err.__dict__["position_shown"] = False  # only the trace locates it
    return err


def negate(a: Any) -> Any:
    """Unary minus on a forced value: Nix parses ``-e`` as ``0 - e``."""
    return ops.sub_values(0, a)


def update(a: Any, b: Any) -> Attrs:
    """``a // b`` on forced values."""
    if type(a) is not Attrs:
        raise ops.type_error(a, "a set")
    if type(b) is not Attrs:
        raise ops.type_error(b, "a set")
    if not b:
        return a
    if not a:
        return b
    charge((len(a) + len(b)) * ATTR_SIZE)
    r = Attrs(a)
    dict.update(r, b)  # (a method looked up on a set is slow: see `Attrs`)
    r.positions = merge_positions(a, b)
    return r


def concat_lists(a: Any, b: Any, span: Any = None) -> NixList:
    """``a ++ b`` on forced values (``span``: the operator, where Nix 2.26's
    trace locates an operand that is not a list)."""
    if type(a) is not NixList or type(b) is not NixList:
        err = ops.type_error(a if type(a) is not NixList else b, "a list")
        if span is not None:
            err.span = span
            err.__dict__["position_shown"] = False
            err.add_trace("while evaluating one of the elements to concatenate", span)
        raise err
    if not b:
        return a
    if not a:
        return b
    charge((len(a) + len(b)) * LIST_ITEM_SIZE)
    return NixList(list.__add__(a, b))


def make_list(items: list[Any]) -> NixList:
    """A list literal (charged against the memory budget when large)."""
    if len(items) > 64:
        charge(len(items) * LIST_ITEM_SIZE)
    return NixList(items)


def check_formals(arg: Any, allowed: frozenset[str], who: str) -> None:
    """Reject attributes a function without ``...`` does not accept."""
    for name in sorted(arg):
        if name not in allowed:
            err = EvalTypeError(f"{who} called with unexpected argument '{name}'")
            err.__dict__["formals_error"] = True  # the trace: its call site only
            raise suggest(err, allowed, name)


def missing_argument(name: str, who: str) -> NixError:
    """A required formal argument is absent."""
    err = EvalTypeError(f"{who} called without required argument '{name}'")
    err.__dict__["formals_error"] = True  # the trace: its call site only
    return err


def missing_formal(arg: Attrs, names: tuple[str, ...], who: str, span: Any) -> NoReturn:
    """Raise the error for the first of the required formals ``names`` absent from ``arg``
    (generated code checks them all on one line)."""
    for name in names:
        if name not in arg:
            raise missing_argument(name, who).locate(span)
    raise AssertionError(f"no formal of {names} is missing")


def set_dynamic(attrs: Attrs, name: Any, value: Any, where: str) -> None:
    """Add ``${name} = value`` to a set under construction (null: skipped)."""
    if name is None:
        return
    t = type(name)
    if t is CtxStr:
        raise ops.context_not_allowed(name)
    if t is not str:
        raise name_error(name)
    key = name
    if key in attrs:
        pos = attrs.positions.get(key) if attrs.positions else None
        at = f" at {pos[0]}:{pos[1]}:{pos[2]}" if pos else ""
        raise NixError(f"dynamic attribute '{key}' already defined{at}")
    attrs[key] = value
    if where:
        positions = dict(attrs.positions or ())
        positions[key] = _parse_where(where)
        attrs.positions = positions


def _parse_where(where: str) -> tuple[str, int, int]:
    file, line, col = where.rsplit(":", 2)
    return (file, int(line), int(col))


class _Slow:
    __slots__ = ()


SLOW: Any = _Slow()


def with_get(name: str, envs: tuple[Any, ...]) -> Any:
    """Fast `with` lookup when every scope on the way is an evaluated set.

    Returns :data:`SLOW` when a scope still needs forcing or checking.
    """
    for env in envs:
        if type(env) is Thunk:
            if env.code is not None:
                return SLOW
            env = env.value
        if type(env) is not Attrs:
            return SLOW
        if name in env:
            return env[name]
    raise undefined(name)


def with_lookup(name: str, envs: tuple[Any, ...]) -> Frame:
    """`with` lookup, innermost scope first, forcing each scope as needed."""
    for env in envs:
        if type(env) is Thunk:
            env = env.value if env.code is None else (yield env)
        if type(env) is not Attrs:
            raise ops.type_error(env, "a set")
        if name in env:
            return env[name]
    raise undefined(name)


def call_chain(fn: Any, args: Iterable[Any]) -> Frame:
    """Apply ``fn`` to several arguments in turn."""
    for a in args:
        fn = yield Call(fn, a)
    return fn


__all__ = [
    "Attrs",
    "Call",
    "Closure",
    "NixList",
    "NixPath",
    "Thunk",
    "partial",
    "MISSING",
    "PENDING",
    "SLOW",
]


def attr_name(v: Any, span: Any = None) -> str:
    """A forced dynamic attribute name that is not a plain ``str`` (``span``:
    the name's expression, where Nix 2.26 locates the error and its trace)."""
    if type(v) is CtxStr:
        # Nix forces attribute names with forceStringNoCtx.
        raise ops.context_not_allowed(v)
    err = name_error(v)
    if span is not None:
        err.span = span
        err.add_trace("while evaluating an attribute name", span)
    raise err


def scope_get(scope: Any, name: str) -> Any:
    """A name supplied by a `scopedImport` scope (else undefined)."""
    if name in scope:
        return scope[name]
    raise undefined(name)


def const_frame(value: Any) -> Frame:
    """A frame returning ``value`` (the code of a redirectable thunk)."""
    return value
    yield


def apply_overrides(result: Attrs, env: dict[str, Thunk]) -> Frame:
    """`rec { __overrides = ...; }`: its attributes replace the set's own,
    also for the recursive references of the other attributes."""
    ov = result["__overrides"]
    try:
        if type(ov) is Thunk:
            ov = ov.value if ov.code is None else (yield ov)
        if type(ov) is not Attrs:
            err = ops.type_error(ov, "a set")
            err.span = (None, 0, 0)  # Nix gives it no position
            err.__dict__["position_shown"] = False
            raise err
    except NixError as err:
        err.add_trace("while evaluating the `__overrides` attribute", None)
        raise
    for name, value in ov.items():
        result[name] = value
        thunk = env.get(name)
        if thunk is not None:
            thunk.code = partial(const_frame, value)
            thunk.value = None
    if ov.positions:
        merged = dict(result.positions or ())
        merged.update(ov.positions)
        result.positions = merged


def peek(value: Any, path: tuple[str, ...]) -> Any:
    """``value.a.b`` if every set on the way is already evaluated and has the
    attribute (the result itself may be a thunk); else :data:`MISSING`."""
    for name in path:
        if type(value) is Thunk:
            if value.code is not None:
                return MISSING
            value = value.value
        if type(value) is not Attrs or type(name) is not str:
            return MISSING
        value = dict.get(value, name, MISSING)
        if value is MISSING:
            return MISSING
    return value


def assert_equal(a: Any, b: Any, text: str, span: Any) -> Frame:
    """`assert x == y` failed: Nix 2.26 says how the two values differ, in an
    error that has no position of its own, under a trace entry for the assertion."""
    try:
        yield from _explain_unequal(a, b, text, span)
    except NixError as err:
        err.span = span
        err.__dict__["position_shown"] = False  # as Nix: only the trace locates it
        err.add_trace(f"while evaluating the condition of the assertion '{text}'", span)
        raise


def _pos_span(pos: tuple[str, int, int] | None, span: Any) -> Any:
    """An attribute's position as a span, if it is in the assertion's file."""
    if pos is None or span is None:
        return None
    source = span[0]
    if not isinstance(source, SourceText) or source.pos_file != pos[0]:
        return None
    offset = source.offset_of(pos[1], pos[2])
    return (source, offset, offset)


def _explain_attrs(a: Attrs, b: Attrs, text: str, span: Any) -> Frame:
    """Two sets with the same names: the first attribute that differs, explained."""
    for name in sorted(a):
        if (yield from ops.equal(a[name], b[name], True)):
            continue
        try:
            yield from _explain_unequal(a[name], b[name], text, span)
        except NixError as err:
            # Added innermost first: printed as "while comparing attribute",
            # then where each side is.
            for side, where in ((b, "right"), (a, "left")):
                pos = _pos_span(side.positions.get(name) if side.positions else None, span)
                if pos is not None:
                    err.add_trace(f"where {where} hand side is", pos)
            err.add_trace(f"while comparing attribute '{name}'", None)
            raise


def _explain_lists(a: NixList, b: NixList, text: str, span: Any) -> Frame:
    """Two lists of one length: the first element that differs, explained."""
    for i, (x, y) in enumerate(zip(a, b, strict=True)):
        if (yield from ops.equal(x, y, True)):
            continue
        try:
            yield from _explain_unequal(x, y, text, span)
        except NixError as err:
            err.add_trace(f"while comparing list element {i}", None)
            raise


def _derivation_out_paths(a: Attrs, b: Attrs) -> Frame:
    """Both sides' `outPath` if both are derivations (compared by it), else None."""
    for side in (a, b):
        kind = side.get("type")
        if kind is None or "outPath" not in side:
            return None
        if type(kind) is Thunk:
            kind = kind.value if kind.code is None else (yield kind)
        if kind != "derivation":
            return None
    return a["outPath"], b["outPath"]


def _explain_unequal(a: Any, b: Any, text: str, span: Any) -> Frame:
    from evaluator.vm.printer import escape_string, format_float, message_text

    if type(a) is Thunk:
        a = a.value if a.code is None else (yield a)
    if type(b) is Thunk:
        b = b.value if b.code is None else (yield b)
    ta, tb = type(a), type(b)
    if ta is Attrs and tb is Attrs:
        out_paths = yield from _derivation_out_paths(a, b)
        if out_paths is not None:
            try:
                yield from _explain_unequal(out_paths[0], out_paths[1], text, span)
            except NixError as err:
                err.add_trace("while comparing a derivation by its 'outPath' attribute", None)
                raise
        elif set(a) == set(b):
            yield from _explain_attrs(a, b, text, span)
    if ta is NixList and tb is NixList and len(a) == len(b):
        yield from _explain_lists(a, b, text, span)
    numbers = (int, float)
    if ta in numbers and tb in numbers and ta is not bool and tb is not bool:

        def num(v: Any) -> str:
            kind = "an integer" if type(v) is int else "a float"
            return f"{kind} with value '{v if type(v) is int else format_float(v)}'"

        raise AssertionFailed(f"{num(a)} is not equal to {num(b)}")
    if ta is not tb and not (ta in (str, CtxStr) and tb in (str, CtxStr)):
        raise AssertionFailed(
            f"{ops.show_type(a)} of value '{message_text(a)}' is not equal to "
            f"{ops.show_type(b)} of value '{message_text(b)}'"
        )
    if ta is bool:
        raise AssertionFailed(
            f"boolean '{str(a).lower()}' is not equal to boolean '{str(b).lower()}'"
        )
    if ta in (str, CtxStr):
        raise AssertionFailed(
            f"string '{escape_string(a)}' is not equal to string '{escape_string(b)}'"
        )
    if ta is NixPath:
        raise AssertionFailed(f"path '{a.path}' is not equal to path '{b.path}'")
    if ta is Attrs and set(a) != set(b):
        raise AssertionFailed(
            f"attribute names of attribute set '{message_text(a)}' differs from attribute set"
            f" '{message_text(b)}'"
        )
    if ta is NixList and len(a) != len(b):
        raise AssertionFailed(
            f"list of size '{len(a)}' is not equal to list of size '{len(b)}', left hand side"
            f" is '{message_text(a)}', right hand side is '{message_text(b)}'"
        )
    if ta in (Closure, PrimOp, PrimOpApp):
        raise AssertionFailed(
            "distinct functions and immediate comparisons of identical functions compare as unequal"
        )
    raise assert_failed(text)


# What a call gives that still needs the loop (as generated code's PENDING_TYPES).
_PENDING = type_set((Thunk, Call, GeneratorType))


def apply_head(f: Any, a: Any) -> Any:
    """`f a`, the first application of a call `f a b ...` of two or more
    arguments (``f`` evaluated): what generated code applies to `b` next.

    For a lambda `a: b: body` the code generator marked (``Closure.curried``:
    its body only makes the inner closure, see
    ``compiler.codegen_functions._curried_inner``) that is the inner body
    given its captures and `a`, as a ``partial`` waiting for `b`: the outer
    call and the closure it makes are skipped, and the inner body's frame
    (or value) is the one `(f a) b` gives, so values, errors and traces are
    the same. The loop starts a ``partial`` as a lambda's body
    (``loop._dispatch``, ``call_trace._callee`` names the inner lambda);
    generated code calls it with `b` directly. A partial is never a Nix
    value: it is only ever applied to the next argument of the same call.
    Other lambdas are called (their frame or value), a builtin of several
    arguments is partly applied, anything else is left to the loop.
    """
    if type(f) is Closure:
        m = f.curried
        if m is None:
            return f.code(a)
        code = f.code
        if type(m) is tuple:
            if len(m) == 2:
                m = m[0]  # (the mark, the inner body's plain twin)
                if type(m) is not tuple:
                    return partial(m, *code.args, a) if type(code) is partial else partial(m, a)
            # `_: b: body`: the inner body takes the captures and `b` only.
            return partial(m[0], *code.args) if type(code) is partial else partial(m[0])
        return partial(m, *code.args, a) if type(code) is partial else partial(m, a)
    if type(f) is PrimOp and f.arity > 1:
        return PrimOpApp(f, (a,))
    return Call(f, a)


def apply_late(pending: Any, args: tuple[Any, ...], sites: tuple[Any, ...], whole: bool) -> Frame:
    """The rest of `f a b ...` ending a thunk's body, once something waits.

    Generated code applies the function itself while nothing needs the loop,
    and returns this frame (run in the thunk's place) at the first thing that
    does: ``pending`` is the function still to force (``whole``: no argument
    applied yet) or the partial application still to evaluate; ``args`` are
    the arguments left. ``sites[0]`` is where the body would have waited,
    ``sites[1:]`` the applications of ``args`` (the last is the tail call's
    site). An error met here is located and traced at the site the body
    would have waited at, so the trace is the body's own.
    """
    f = yield from _await(pending, sites[0])
    last = len(args) - 1
    if whole and type(f) is PrimOp and f.arity == last + 1:
        return Call(f, args, sites[last + 1])  # all its arguments at once (see `Call`)
    for i in range(last):
        # The first of two or more: a marked lambda's inner body (`apply_head`).
        a = args[i]
        if i == 0:
            r = apply_head(f, a)
        else:
            r = f.code(a) if type(f) is Closure else f(a) if type(f) is partial else Call(f, a)
        if type(r) in _PENDING:
            r = yield from _await(r, sites[i + 1])
        f = r
    return Call(f, args[last], sites[last + 1])


def _await(pending: Any, site: Any) -> Frame:
    try:
        return (yield pending)
    except NixError as err:
        settle_at(err, site)
        if err.span is None:
            err.span = site
        raise
