"""Value operations shared by generated code and builtins.

Every operation that may need to force a thunk or call a Nix function is a
generator (see the protocol in :mod:`evaluator.vm.values`): use it as
``result = yield from ops.add(a, b)``. Arguments may be unforced (values or
thunks). Operations that never need the loop (integer wrapping, type names,
error construction) are plain functions.

Semantics and error wording follow C++ Nix 2.8 (``src/libexpr/eval.cc`` and
``primops.cc``), checked against ``nix-instantiate``.
"""

from __future__ import annotations

import math
from typing import Any

from evaluator.vm import walk
from evaluator.vm.budget import charge
from evaluator.vm.context import current
from evaluator.vm.errors import EvalTypeError, NixError, suggest
from evaluator.vm.ops_support import context_order, context_text, equal_prefix
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
    make_str,
    show_type,
)

INT_MIN = -(1 << 63)
INT_MAX = (1 << 63) - 1
_MASK = (1 << 64) - 1


_VERB = {"+": "adding", "-": "subtracting", "*": "multiplying", "/": "dividing"}


def overflow(op: str, a: int, b: int) -> NixError:
    """Nix 2.26: integer arithmetic that leaves 64 bits is an error (no wraparound)."""
    return NixError(f"integer overflow in {_VERB[op]} {a} {op} {b}")


def checked(op: str, a: int, b: int, n: int) -> int:
    """``n`` (the result of ``a op b``) if it fits in 64 bits, else the overflow error."""
    if INT_MIN <= n <= INT_MAX:
        return n
    raise overflow(op, a, b)


def wrap_int(n: int) -> int:
    """``n`` reduced to a signed 64-bit integer (two's complement wraparound)."""
    if INT_MIN <= n <= INT_MAX:
        return n
    return ((n - INT_MIN) & _MASK) + INT_MIN


# ---------------------------------------------------------------------------
# Type names and type errors


def type_error(v: Any, expected: str) -> EvalTypeError:
    """``expected <expected> but found <type of v>: <v>`` (Nix 2.26's wording).

    ``expected`` includes the article: ``"a set"``, ``"an integer"``.
    """
    from evaluator.vm.printer import message_text

    return EvalTypeError(f"expected {expected} but found {show_type(v)}: {message_text(v)}")


def is_function(v: Any) -> bool:
    """Whether a forced value is a function (lambda, builtin or partial builtin)."""
    t = type(v)
    return t is Closure or t is PrimOp or t is PrimOpApp


# ---------------------------------------------------------------------------
# Forcing


def force(v: Any) -> Frame:
    """The value of ``v``, evaluating it if it is an unevaluated thunk."""
    if type(v) is Thunk:
        if v.code is None:
            return v.value
        return (yield v)
    return v


def force_int(v: Any) -> Frame:
    """Force ``v`` and check it is an integer."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not int:
        raise type_error(v, "an integer")
    return v


def force_float(v: Any) -> Frame:
    """Force ``v`` and check it is a number; integers are converted to float."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    t = type(v)
    if t is float:
        return v
    if t is int:
        return float(v)
    raise type_error(v, "a float")


def force_bool(v: Any) -> Frame:
    """Force ``v`` and check it is a Boolean."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not bool:
        raise type_error(v, "a Boolean")
    return v


def force_list(v: Any) -> Frame:
    """Force ``v`` and check it is a list."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not NixList:
        raise type_error(v, "a list")
    return v


def force_attrs(v: Any) -> Frame:
    """Force ``v`` and check it is an attribute set."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not Attrs:
        raise type_error(v, "a set")
    return v


def force_function(v: Any) -> Frame:
    """Force ``v`` and check it is a function or a set with ``__functor``."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    t = type(v)
    if t is not Closure and t is not PrimOp and t is not PrimOpApp:
        if t is not Attrs or "__functor" not in v:
            raise type_error(v, "a function")
    return v


def force_string(v: Any) -> Frame:
    """Force ``v`` and check it is a string (no coercion); keeps its context."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    t = type(v)
    if t is not str and t is not CtxStr:
        raise type_error(v, "a string")
    return v


def force_string_no_context(v: Any) -> Frame:
    """Force ``v`` to a plain string; a string with context is an error.

    Used where Nix calls ``forceStringNoCtx`` (e.g. attribute names from
    ``listToAttrs`` are not checked, but ``toFile`` names are).
    """
    s = yield from force_string(v)
    if type(s) is CtxStr:
        raise context_not_allowed(s)
    return s


def context_not_allowed(s: CtxStr) -> EvalTypeError:
    """The error for a string with context where Nix requires a plain one."""
    first = min(s.context, key=context_order)
    return EvalTypeError(
        f"the string '{str.__str__(s)}' is not allowed to refer to a store path "
        f"(such as '{context_text(first)}')"
    )


def call(fn: Any, arg: Any) -> Frame:
    """Apply ``fn`` to ``arg`` (through the loop) and return the forced result."""
    return (yield Call(fn, arg))


# ---------------------------------------------------------------------------
# Attribute selection


def select(v: Any, name: str) -> Frame:
    """``v.name``: force ``v`` as a set and return the attribute's forced value."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not Attrs:
        raise type_error(v, "a set")
    try:
        item = v[name]
    except KeyError:
        raise suggest(NixError(f"attribute '{name}' missing"), v, name) from None
    if type(item) is Thunk:
        item = item.value if item.code is None else (yield item)
    return item


def get_attr_forced(attrs: Attrs, name: str) -> Frame:
    """The forced value of ``attrs[name]`` (which must exist)."""
    item = attrs[name]
    if type(item) is Thunk:
        item = item.value if item.code is None else (yield item)
    return item


def is_derivation(v: Any) -> Frame:
    """Whether a forced value is a set with ``type = "derivation"``."""
    if type(v) is not Attrs:
        return False
    t = v.get("type")
    if t is None:
        return False
    if type(t) is Thunk:
        t = t.value if t.code is None else (yield t)
    tt = type(t)
    return (tt is str or tt is CtxStr) and t == "derivation"


# ---------------------------------------------------------------------------
# Equality and ordering


def equal(a: Any, b: Any, nested: bool = False) -> Frame:
    """Nix ``==``.

    Integers and floats compare numerically across types; strings ignore
    their context; lists and sets compare element-wise; two derivations
    compare by ``outPath``; functions are never equal, except that (as in
    C++ Nix, which compares value pointers first) the *same* list element
    or attribute value object on both sides is equal to itself. Iterative:
    a work list of pairs, so deep data does not grow the Python stack.
    ``nested`` treats ``a`` and ``b`` as elements of containers (so the
    same object on both sides is equal).
    """
    ta = type(a)
    if ta is type(b) and (ta is int or ta is str or ta is bool or ta is float):
        # Common case first: two scalars of the same type.
        return a == b
    todo: list[tuple[Any, Any, bool, int]] = [(a, b, nested, 0)]
    n = 0
    while todo:
        x, y, nested, depth = todo.pop()
        n += 1
        if not n & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY)
        if depth > walk.MAX_DEPTH:
            raise walk.too_deep()
        depth += 1
        ox, oy = x, y
        if type(x) is Thunk:
            x = x.value if x.code is None else (yield x)
        if type(y) is Thunk:
            y = y.value if y.code is None else (yield y)
        if nested and (ox is oy or x is y):
            continue
        tx = type(x)
        ty = type(y)
        if tx is int or tx is float:
            if (ty is int or ty is float) and x == y:
                continue
            return False
        if tx is str or tx is CtxStr:
            if (ty is str or ty is CtxStr) and str.__eq__(x, y):
                continue
            return False
        if tx is bool:
            if ty is bool and x is y:
                continue
            return False
        if x is None:
            if y is None:
                continue
            return False
        if tx is NixPath:
            if ty is NixPath and x.path == y.path:
                continue
            return False
        if tx is NixList:
            if ty is not NixList or len(x) != len(y):
                return False
            if x is y and nested:
                continue
            first, n = equal_prefix(x, y, n, depth)
            if first < 0:
                return False
            for i in range(len(x) - 1, first - 1, -1):
                todo.append((x[i], y[i], True, depth))
            continue
        if tx is Attrs:
            if ty is not Attrs:
                return False
            if x is y and nested:
                continue
            if (yield from is_derivation(x)) and (yield from is_derivation(y)):
                if "outPath" in x and "outPath" in y:
                    todo.append((x["outPath"], y["outPath"], True, depth))
                    continue
            if len(x) != len(y):
                return False
            pairs = []
            for k, xv in x.items():
                if k not in y:
                    return False
                pairs.append((xv, y[k], True, depth))
            todo.extend(reversed(pairs))
            continue
        # Functions (and anything else) are never equal.
        return False
    return True


def _incomparable(x: Any, y: Any, lists: int = 0) -> NixError:
    """``cannot compare X with Y``, found ``lists`` lists deep (an entry each, as Nix)."""
    tx, ty = show_type(x), show_type(y)
    if tx == ty:
        err = EvalTypeError(f"cannot compare {tx} with {ty}; values of that type are incomparable")
    else:
        err = EvalTypeError(f"cannot compare {tx} with {ty}")
    # Nix 2.26 prints no position for it (its `lessThan` entry locates the operator);
    # the span is still found, for the editor's diagnostics.
    err.__dict__["position_shown"] = False
    for _ in range(lists):
        err.add_trace("while comparing two list elements", None)
    return err


def less_than(a: Any, b: Any) -> Frame:
    """Nix ``<`` (``builtins.lessThan``).

    Numbers compare across int/float, strings by code point (which matches
    C++'s byte-wise ``strcmp`` on UTF-8), paths by their text, lists
    lexicographically (the first unequal elements decide). Anything else is
    ``cannot compare X with Y``.
    """
    depth = 0
    while True:
        if type(a) is Thunk:
            a = a.value if a.code is None else (yield a)
        if type(b) is Thunk:
            b = b.value if b.code is None else (yield b)
        ta = type(a)
        tb = type(b)
        if ta is int or ta is float:
            if tb is int or tb is float:
                return bool(a < b)
            raise _incomparable(a, b, depth)
        if ta is not tb and not ((ta is str or ta is CtxStr) and (tb is str or tb is CtxStr)):
            raise _incomparable(a, b, depth)
        if ta is str or ta is CtxStr:
            return str.__lt__(a, b)
        if ta is NixPath:
            return bool(a.path < b.path)
        if ta is NixList:
            n = min(len(a), len(b))
            i = 0
            while i < n:
                if not (yield from equal(a[i], b[i], True)):
                    break
                i += 1
                if not i & (walk.EVERY - 1):
                    walk.checkpoint(walk.EVERY)
            depth += 1
            if depth > walk.MAX_DEPTH:
                raise walk.too_deep()
            if i == n:
                return len(a) < len(b)
            # Tail position: compare the first differing elements.
            a, b = a[i], b[i]
            continue
        raise _incomparable(a, b, depth)


compare = less_than


# ---------------------------------------------------------------------------
# Arithmetic


def add_numbers(a: Any, b: Any) -> Any:
    """``+`` on two forced numbers (int wraps to 64 bits, int+float is float)."""
    if type(a) is int and type(b) is int:
        return checked("+", a, b, a + b)
    return float(a) + float(b)


def add(a: Any, b: Any) -> Frame:
    """Nix ``+``: numbers, string concatenation, path concatenation.

    The first operand decides: a number requires a number; a path gives a
    canonical path (the second operand coerced without copying to the
    store); anything else is string concatenation, where paths are copied
    to the store and contexts merge.
    """
    if type(a) is Thunk:
        a = a.value if a.code is None else (yield a)
    if type(b) is Thunk:
        b = b.value if b.code is None else (yield b)
    ta = type(a)
    tb = type(b)
    if ta is int and tb is int:
        s = a + b
        if INT_MIN <= s <= INT_MAX:
            return s
        raise overflow("+", a, b)
    if ta is str and tb is str:
        if len(a) + len(b) > _BIG_STRING:
            charge(len(a) + len(b))
        return a + b
    if ta is int or ta is float:
        if tb is int or tb is float:
            return float(a) + float(b)
        what = "an integer" if ta is int else "a float"
        raise EvalTypeError(f"cannot add {show_type(b)} to {what}")
    if ta is NixPath:
        rest = yield from _segment(b, 1, False)
        if type(rest) is CtxStr:
            raise NixError("a string that refers to a store path cannot be appended to a path")
        return NixPath(canon_path(a.path + rest))
    left = yield from _segment(a, 0, True)
    right = yield from _segment(b, 1, True)
    return concat_two(left, right)


def _segment(v: Any, index: int, copy: bool) -> Frame:
    """An operand of ``+`` coerced to a string; a type error records which operand
    (``segment``: Nix traces it as "while evaluating a path segment" there)."""
    try:
        return (yield from coerce_to_string(v, coerce_more=False, copy_to_store=copy))
    except EvalTypeError as err:
        err.__dict__.setdefault("segment", index)
        raise


# Strings longer than this are counted against the evaluation's memory budget.
_BIG_STRING = 1 << 16


def concat_two(left: str, right: str) -> str:
    """Concatenate two string values, merging their contexts."""
    if len(left) + len(right) > _BIG_STRING:
        charge(len(left) + len(right))
    if type(left) is CtxStr or type(right) is CtxStr:
        ctx: frozenset[str] = frozenset()
        if type(left) is CtxStr:
            ctx = left.context
        if type(right) is CtxStr:
            ctx = ctx | right.context
        return CtxStr(str.__add__(str(left), str(right)), ctx)
    return left + right


def concat_strings(parts: list[Any], spans: tuple[Any, ...] | None = None) -> Frame:
    """A string with interpolations (``"a${b}c"``): each part coerced and joined.

    Parts are coerced as ``${}`` does: no numbers, paths copied to the
    store, contexts merged. ``spans`` (one per part) locate a part that
    cannot be coerced, as Nix 2.26's "while evaluating a path segment".
    """
    out: list[str] = []
    ctx: set[str] = set()
    for i, p in enumerate(parts):
        if type(p) is Thunk:
            p = p.value if p.code is None else (yield p)
        if type(p) is not str:
            try:
                p = yield from coerce_to_string(p, coerce_more=False, copy_to_store=True)
            except EvalTypeError as err:
                if spans is not None and spans[i] is not None:
                    err.span = spans[i]
                    err.__dict__["position_shown"] = False
                    err.add_trace("while evaluating a path segment", spans[i])
                raise
            if type(p) is CtxStr:
                ctx |= p.context
        out.append(p)
    text = "".join(out)
    if len(text) > _BIG_STRING:
        charge(len(text))
    return make_str(text, frozenset(ctx))


def interpolate_path(parts: list[Any]) -> Frame:
    """A path with interpolations (``./a/${b}``): coerced without store copies."""
    out: list[str] = []
    for i, p in enumerate(parts):
        s = yield from coerce_to_string(
            p, coerce_more=False, copy_to_store=False, canonicalize_path=i > 0
        )
        if type(s) is CtxStr:
            raise NixError("a string that refers to a store path cannot be appended to a path")
        out.append(s)
    return NixPath(canon_path("".join(out)))


def _numbers(a: Any, b: Any) -> Frame:
    if type(a) is Thunk:
        a = a.value if a.code is None else (yield a)
    if type(b) is Thunk:
        b = b.value if b.code is None else (yield b)
    return a, b


def _check_numbers(a: Any, b: Any) -> bool:
    """True for an int operation, False for float; raises on non-numbers."""
    ta = type(a)
    tb = type(b)
    if ta is float or tb is float:
        if ta is not float and ta is not int:
            raise type_error(a, "a float")
        if tb is not float and tb is not int:
            raise type_error(b, "a float")
        return False
    if ta is not int:
        raise type_error(a, "an integer")
    if tb is not int:
        raise type_error(b, "an integer")
    return True


def sub_values(a: Any, b: Any) -> Any:
    """``a - b`` on forced values (``builtins.sub``)."""
    if _check_numbers(a, b):
        return checked("-", a, b, a - b)
    return float(a) - float(b)


def mul_values(a: Any, b: Any) -> Any:
    """``a * b`` on forced values (``builtins.mul``)."""
    if _check_numbers(a, b):
        return checked("*", a, b, a * b)
    return float(a) * float(b)


def div_values(a: Any, b: Any) -> Any:
    """``a / b`` on forced values (``builtins.div``); integer division truncates."""
    tb = type(b)
    if tb is not int and tb is not float:
        raise type_error(b, "a float")
    if b == 0:
        raise NixError("division by zero")
    if type(a) is float or tb is float:
        if type(a) is not int and type(a) is not float:
            raise type_error(a, "a float")
        return float(a) / float(b)
    if type(a) is not int:
        raise type_error(a, "an integer")
    if a == INT_MIN and b == -1:
        raise overflow("/", a, b)
    q = abs(a) // abs(b)
    return q if (a < 0) == (b < 0) else -q


def add_values(a: Any, b: Any) -> Any:
    """``builtins.add`` on forced values (numbers only, unlike ``+``)."""
    if _check_numbers(a, b):
        return checked("+", a, b, a + b)
    return float(a) + float(b)


def sub(a: Any, b: Any) -> Frame:
    """Nix ``-``."""
    a, b = yield from _numbers(a, b)
    return sub_values(a, b)


def mul(a: Any, b: Any) -> Frame:
    """Nix ``*``."""
    a, b = yield from _numbers(a, b)
    return mul_values(a, b)


def div(a: Any, b: Any) -> Frame:
    """Nix ``/``: division by zero is an error; ints truncate toward zero."""
    a, b = yield from _numbers(a, b)
    return div_values(a, b)


def negate(a: Any) -> Frame:
    """Unary minus, which Nix parses as ``0 - a``."""
    if type(a) is Thunk:
        a = a.value if a.code is None else (yield a)
    return sub_values(0, a)


# ---------------------------------------------------------------------------
# Strings


def format_float_tostring(f: float) -> str:
    """A float as ``toString`` shows it (C++ ``std::to_string``: ``%f``)."""
    if f != f:  # NaN: glibc prints its sign
        return "-nan" if math.copysign(1.0, f) < 0 else "nan"
    return f"{f:f}"


def canon_path(path: str) -> str:
    """Nix's ``canonPath``: absolute, no ``.``/``..``/double slashes (no symlinks)."""
    parts: list[str] = []
    for part in path.split("/"):
        if part == "" or part == ".":
            continue
        if part == "..":
            if parts:
                parts.pop()
            continue
        parts.append(part)
    return "/" + "/".join(parts)


def copy_path_to_store(path: str) -> str:
    """The store path of ``path`` as a string with context."""
    io = current().io
    if io.allows(path) and not io.path_exists(path) and not path.endswith(".drv"):
        # (Nix checks the name first: a `.drv` name is refused whether it exists or
        # not.) Nix gives this error no position.
        err = NixError(f"path '{path}' does not exist")
        err.__dict__["position_shown"] = False
        raise err
    from evaluator.store.copy import path_to_store  # the store: imported when used

    result = path_to_store(path)
    if type(result) is CtxStr:
        return result
    return CtxStr(str(result), frozenset((str(result),)))


def coerce_to_string(
    v: Any,
    *,
    coerce_more: bool = False,
    copy_to_store: bool = True,
    canonicalize_path: bool = True,
) -> Frame:
    """Nix's ``coerceToString``: the string form of ``v``, with context.

    Strings stay as they are; paths give their text (or, with
    ``copy_to_store``, their store path); sets use ``__toString`` or
    ``outPath``. With ``coerce_more`` (``toString``), also numbers, Booleans
    (``"1"``/``""``), null (``""``) and lists (elements joined by spaces).
    """
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    t = type(v)
    if t is str or t is CtxStr:
        return v
    if t is NixPath:
        p = canon_path(v.path) if canonicalize_path else v.path
        if copy_to_store:
            return copy_path_to_store(p)
        return p
    if t is Attrs:
        fn = v.get("__toString")
        if fn is not None:
            if type(fn) is Thunk:
                fn = fn.value if fn.code is None else (yield fn)
            r = yield Call(fn, v)
            return (
                yield from coerce_to_string(r, coerce_more=coerce_more, copy_to_store=copy_to_store)
            )
        if "outPath" in v:
            return (
                yield from coerce_to_string(
                    v["outPath"], coerce_more=coerce_more, copy_to_store=copy_to_store
                )
            )
        from evaluator.vm.printer import message_text

        raise EvalTypeError(f"cannot coerce a set to a string: {message_text(v)}")
    if coerce_more:
        if t is bool:
            return "1" if v else ""
        if t is int:
            return str(v)
        if t is float:
            return format_float_tostring(v)
        if v is None:
            return ""
        if t is NixList:
            return (yield from _coerce_list(v, copy_to_store))
    from evaluator.vm.printer import message_text

    raise EvalTypeError(f"cannot coerce {show_type(v)} to a string: {message_text(v)}")


_SEP = object()  # marks a separator in _coerce_list's work list


def _coerce_list(v: NixList, copy_to_store: bool) -> Frame:
    """`toString` of a list: elements joined by spaces (iterative over nesting).

    As Nix, no separator follows an element that is an empty list.
    """
    out: list[str] = []
    ctx: set[str] = set()
    stack: list[Any] = [(v, 0)]
    n = 0
    while stack:
        top = stack.pop()
        n += 1
        if not n & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY, sum(map(len, out[-walk.EVERY :])))
        if len(stack) > 2 * walk.MAX_DEPTH:
            raise walk.too_deep()
        if top is _SEP:
            out.append(" ")
            continue
        lst, i = top
        if i >= len(lst):
            continue
        stack.append((lst, i + 1))
        item = lst[i]
        if type(item) is Thunk:
            item = item.value if item.code is None else (yield item)
        if i < len(lst) - 1 and not (type(item) is NixList and len(item) == 0):
            stack.append(_SEP)
        if type(item) is NixList:
            stack.append((item, 0))
            continue
        s = yield from coerce_to_string(item, coerce_more=True, copy_to_store=copy_to_store)
        if type(s) is CtxStr:
            ctx |= s.context
        out.append(s)
    return make_str("".join(out), frozenset(ctx))


def to_string(v: Any) -> Frame:
    """``builtins.toString``: coerce with ``coerce_more``, without store copies."""
    return (yield from coerce_to_string(v, coerce_more=True, copy_to_store=False))


def coerce_to_path(v: Any) -> Frame:
    """Nix's ``coerceToPath``: a string form that must be an absolute path."""
    s = yield from coerce_to_string(v, coerce_more=False, copy_to_store=False)
    if s == "" or s[0] != "/":
        raise NixError(f"string '{str(s)}' doesn't represent an absolute path")
    return s
