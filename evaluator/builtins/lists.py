"""List builtins: map, filter, folds, sort, generation and access."""

from __future__ import annotations

from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import app_thunks, call_request, charge
from evaluator.vm import ops
from evaluator.vm.errors import NixError
from evaluator.vm.values import (
    Attrs,
    Call,
    Closure,
    CtxStr,
    Frame,
    NixList,
    PrimOp,
    PrimOpApp,
    Thunk,
)


def _list(v: Any) -> Frame:
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not NixList:
        raise ops.type_error(v, "a list")
    return v


def _check_function(f: Any) -> None:
    """Raise unless a forced value can be called (a function or a functor set)."""
    t = type(f)
    if t is not Closure and t is not PrimOp and t is not PrimOpApp:
        if t is not Attrs or "__functor" not in f:
            raise ops.type_error(f, "a function")


def _bool(v: Any) -> bool:
    if type(v) is not bool:
        raise ops.type_error(v, "a Boolean")
    return v


@builtin("map", 2, global_=True)
def map_(f: Any, xs: Any) -> Frame:
    """`map f list`: the list of `f x` for each element (applied lazily)."""
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    return NixList(app_thunks(f, xs))


@builtin("filter", 2)
def filter_(f: Any, xs: Any) -> Frame:
    """`filter pred list`: the elements for which `pred` returns true."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    out = NixList()
    for x in xs:
        if _bool((yield call_request(f, x))):
            out.append(x)
    return out if len(out) != len(xs) else xs


@builtin("head", 1)
def head(xs: Any) -> Frame:
    """`head list`: the first element; an error for an empty list."""
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    if not xs:
        raise NixError("list index 0 is out of bounds")
    return xs[0]


@builtin("tail", 1)
def tail(xs: Any) -> Frame:
    """`tail list`: the list without its first element."""
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    if not xs:
        raise NixError("'tail' called on an empty list")
    return NixList(xs[1:])


@builtin("length", 1)
def length(xs: Any) -> Frame:
    """`length list`: the number of elements."""
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    return len(xs)


@builtin("elemAt", 2)
def elem_at(xs: Any, n: Any) -> Frame:
    """`elemAt list n`: the element at 0-based index `n`."""
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    if type(n) is not int:
        n = yield from ops.force_int(n)
    if n < 0 or n >= len(xs):
        raise NixError(f"list index {n} is out of bounds")
    return xs[n]


@builtin("elem", 2)
def elem(x: Any, xs: Any) -> Frame:
    """`elem x list`: whether `x` is equal (`==`) to an element of `list`."""
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    if not xs:
        return False
    if type(x) is Thunk:
        x = x.value if x.code is None else (yield x)
    tx = type(x)
    simple = tx is int or tx is str or tx is bool
    for y in xs:
        if simple:
            if type(y) is Thunk:
                y = y.value if y.code is None else (yield y)
            if type(y) is tx:
                if x == y:
                    return True
                continue
        if (yield from ops.equal(x, y, True)):
            return True
    return False


@builtin("concatLists", 1)
def concat_lists(xss: Any) -> Frame:
    """`concatLists lists`: the concatenation of a list of lists."""
    xss = yield from _list(xss)
    out = NixList()
    for xs in xss:
        out.extend((yield from _list(xs)))
    charge(8 * len(out))
    return out


@builtin("concatMap", 2)
def concat_map(f: Any, xs: Any) -> Frame:
    """`concatMap f list`: `concatLists (map f list)`."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    out = NixList()
    for x in xs:
        r = yield call_request(f, x)
        if type(r) is not NixList:
            raise ops.type_error(r, "a list")
        out.extend(r)
    charge(8 * len(out))
    return out


@builtin("all", 2)
def all_(f: Any, xs: Any) -> Frame:
    """`all pred list`: whether `pred` is true for every element."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    for x in xs:
        if not _bool((yield call_request(f, x))):
            return False
    return True


@builtin("any", 2)
def any_(f: Any, xs: Any) -> Frame:
    """`any pred list`: whether `pred` is true for at least one element."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    for x in xs:
        if _bool((yield call_request(f, x))):
            return True
    return False


@builtin("genList", 2)
def gen_list(f: Any, n: Any) -> Frame:
    """`genList f n`: the list `[ (f 0) ... (f (n - 1)) ]`, elements lazy."""
    n = yield from ops.force_int(n)
    if n < 0:
        raise NixError(f"cannot create list of size {n}")
    charge(8 * n)
    return NixList(app_thunks(f, range(n)))


@builtin("foldl'", 3)
def foldl_strict(op: Any, nul: Any, xs: Any) -> Frame:
    """`foldl' op nul list`: left fold, forcing the accumulator at each step."""
    if type(op) is Thunk:
        op = op.value if op.code is None else (yield op)
    _check_function(op)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    acc = nul
    code = op.code if type(op) is Closure else None
    for x in xs:
        g = yield (code(acc) if code is not None else Call(op, acc))
        acc = yield (g.code(x) if type(g) is Closure else Call(g, x))
    return acc


@builtin("partition", 2)
def partition(f: Any, xs: Any) -> Frame:
    """`partition pred list`: `{ right = matching; wrong = the others; }`."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    right = NixList()
    wrong = NixList()
    for x in xs:
        (right if _bool((yield call_request(f, x))) else wrong).append(x)
    return Attrs(right=right, wrong=wrong)


@builtin("groupBy", 2)
def group_by(f: Any, xs: Any) -> Frame:
    """`groupBy f list`: elements grouped in a set by the string `f x`."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    groups: dict[str, NixList] = {}
    for x in xs:
        key = yield call_request(f, x)
        if type(key) is not str and type(key) is not CtxStr:
            raise ops.type_error(key, "a string")
        groups.setdefault(str(key), NixList()).append(x)
    return Attrs(groups)


def _is_less_than(fn: Any) -> bool:
    return type(fn) is PrimOp and fn.name == "lessThan"


def _comparator(cmp: Any) -> Any:
    """A generator function ``less(a, b)`` calling the Nix comparator ``cmp``."""
    if _is_less_than(cmp):
        return ops.less_than
    code = cmp.code if type(cmp) is Closure else None

    def less(a: Any, b: Any) -> Frame:
        g = yield (code(a) if code is not None else Call(cmp, a))
        r = yield (g.code(b) if type(g) is Closure else Call(g, b))
        if type(r) is not bool:
            raise ops.type_error(r, "a Boolean")
        return r

    return less


def _merge(less: Any, left: list[Any], right: list[Any]) -> Frame:
    """Merge two sorted runs; on ties the left run's element comes first (stability)."""
    out: list[Any] = []
    i = j = 0
    nl, nr = len(left), len(right)
    while i < nl and j < nr:
        if (yield from less(right[j], left[i])):
            out.append(right[j])
            j += 1
        else:
            out.append(left[i])
            i += 1
    out.extend(left[i:])
    out.extend(right[j:])
    return out


@builtin("sort", 2)
def sort(cmp: Any, xs: Any) -> Frame:
    """`sort lessThan list`: the list sorted stably by the comparator `lessThan a b`."""
    cmp = yield from ops.force_function(cmp)
    if type(xs) is not NixList:
        xs = yield from _list(xs)
    items = []
    for x in xs:
        if type(x) is Thunk:
            x = x.value if x.code is None else (yield x)
        items.append(x)
    n = len(items)
    if n < 2:
        return NixList(items)
    if _is_less_than(cmp):
        kinds = {type(x) for x in items}
        if kinds <= {int, float} or kinds <= {str, CtxStr}:
            # Total orders Python sorts exactly as Nix's lessThan does.
            return NixList(sorted(items))
    less = _comparator(cmp)
    # Natural merge sort: each comparison may run Nix code, so use few of
    # them: find the ascending (or strictly descending, reversed) runs,
    # then merge neighbouring runs until one is left.
    runs: list[list[Any]] = []
    i = 0
    while i < n:
        j = i + 1
        if j == n:
            runs.append(items[i:j])
            break
        if (yield from less(items[j], items[i])):
            j += 1
            while j < n and (yield from less(items[j], items[j - 1])):
                j += 1
            run = items[i:j]
            run.reverse()
        else:
            j += 1
            while j < n and not (yield from less(items[j], items[j - 1])):
                j += 1
            run = items[i:j]
        runs.append(run)
        i = j
    while len(runs) > 1:
        merged: list[list[Any]] = []
        for k in range(0, len(runs) - 1, 2):
            merged.append((yield from _merge(less, runs[k], runs[k + 1])))
        if len(runs) % 2:
            merged.append(runs[-1])
        runs = merged
    return NixList(runs[0])
