"""List builtins: map, filter, folds, sort, generation and access."""

from __future__ import annotations

from types import GeneratorType, MethodType
from typing import Any

from evaluator.builtins.fold_elements import NOT_AHEAD, Elements
from evaluator.builtins.registry import builtin
from evaluator.builtins.stable_sort import stable_sort
from evaluator.builtins.support import (
    MISSING,
    TAILS,
    Starter,
    _check_function,
    app_thunks,
    apply_now,
    argument_error,
    charge,
    element_error,
    evaluate_plain,
    frame_of,
    peek,
    result_error,
    started_again,
    two_argument_code,
    two_argument_plain,
)
from evaluator.vm import ops, walk
from evaluator.vm.budget import ACTIVE
from evaluator.vm.errors import EvalTypeError, NixError
from evaluator.vm.values import (
    BLACKHOLE,
    Attrs,
    Call,
    Closure,
    CtxStr,
    Frame,
    NixList,
    PrimOp,
    Resume,
    Thunk,
)


def _not_list(v: Any) -> NixError:
    # The hot frames force their list inline (no sub-generator of `_list`).
    return ops.type_error(v, "a list")


def _bool(v: Any, name: str, what: str = "the function") -> bool:
    """``v``, the result of ``what`` passed to ``builtins.name``, if it is a Boolean."""
    if type(v) is not bool:
        raise result_error(ops.type_error(v, "a Boolean"), what, name)
    return v


@builtin("map", 2, global_=True)
def map_(f: Any, xs: Any) -> Any:
    """`map f list`: the list of `f x` for each element (applied lazily)."""
    if type(xs) is Thunk and xs.code is None:
        xs = xs.value
    if type(xs) is NixList:
        if not xs:
            return xs  # an empty list needs no function
        if type(f) is Thunk and evaluate_plain(f):
            # (Not forced, as Nix does not: plain code gives it unobservably,
            # and its elements then run the lambda's body without a `Call`.)
            f = f.value
        if type(f) is Closure:
            return NixList(app_thunks(f, xs))
    return _map(f, xs)


@frame_of("map")
def _map(f: Any, xs: Any) -> Frame:
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if not xs:
        return xs
    # Nix 2.26 checks the function before it makes the list.
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    if type(f) is not Closure:
        _check_function(f)
    return NixList(app_thunks(f, xs))


@builtin("filter", 2)
def filter_(f: Any, xs: Any) -> Frame:
    """`filter pred list`: the elements for which `pred` returns true."""
    # Nix checks the list first; an empty one does not need the function.
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if not xs:
        return xs
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    out = NixList()
    for x in xs:
        r = apply_now(f, x)
        if type(r) in TAILS:
            r = yield r
        if r is True:
            out.append(x)
        elif r is not False:
            _bool(r, "filter", "the filtering function")
    return out if len(out) != len(xs) else xs


@builtin("head", 1)
def head(xs: Any) -> Any:
    """`head list`: the first element; an error for an empty list."""
    if type(xs) is Thunk and xs.code is None:
        xs = xs.value
    if type(xs) is NixList and xs:
        x = xs[0]
        if type(x) is not Thunk:
            return x
        if x.code is None:
            return x.value
    return _head(xs)


@frame_of("head")
def _head(xs: Any) -> Frame:
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if not xs:
        raise NixError("'builtins.head' called on an empty list")
    return xs[0]


@builtin("tail", 1)
def tail(xs: Any) -> Frame:
    """`tail list`: the list without its first element."""
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if not xs:
        raise NixError("'builtins.tail' called on an empty list")
    return NixList(xs[1:])


@builtin("length", 1)
def length(xs: Any) -> Any:
    """`length list`: the number of elements."""
    if type(xs) is NixList:
        return len(xs)
    if type(xs) is Thunk and xs.code is None and type(xs.value) is NixList:
        return len(xs.value)
    return _length(xs)


@frame_of("length")
def _length(xs: Any) -> Frame:
    if type(xs) is Thunk:
        xs = xs.value if xs.code is None else (yield xs)
    if type(xs) is not NixList:
        # Nix's forceList: the argument's entry goes on a type error only, not
        # on an error raised while forcing the argument.
        raise argument_error(_not_list(xs), 0, "length")
    return len(xs)


@builtin("elemAt", 2)
def elem_at(xs: Any, n: Any) -> Any:
    """`elemAt list n`: the element at 0-based index `n`."""
    if type(xs) is Thunk and xs.code is None:
        xs = xs.value
    if type(xs) is NixList and type(n) is int and 0 <= n < len(xs):
        x = xs[n]
        if type(x) is not Thunk:
            return x
        if x.code is None:
            return x.value
    return _elem_at(xs, n)


@frame_of("elemAt")
def _elem_at(xs: Any, n: Any) -> Frame:
    # Nix checks the index first.
    if type(n) is Thunk:  # (forced here: no `ops.force_int` generator)
        n = n.value if n.code is None else (yield n)
    if type(n) is not int:
        n = yield from ops.force_int(n)  # (its error)
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if n < 0 or n >= len(xs):
        raise NixError(f"'builtins.elemAt' called with index {n} on a list of size {len(xs)}")
    return xs[n]


@builtin("elem", 2)
def elem(x: Any, xs: Any) -> Any:
    """`elem x list`: whether `x` is equal (`==`) to an element of `list`."""
    if type(xs) is Thunk and xs.code is None:
        xs = xs.value
    if type(x) is Thunk and x.code is None:
        x = x.value
    tx = type(x)
    if type(xs) is NixList and (tx is str or tx is int or tx is bool):
        # An evaluated string, integer or Boolean sought among evaluated
        # elements: compared here as `==` does (values of other types are
        # unequal to it, but an integer and a float, or a string with context).
        for y in xs:
            if type(y) is Thunk:
                if y.code is not None:
                    return _elem(x, xs)
                y = y.value
            if x == y and _same(x, y):  # (Python's `==` first: it is mostly false)
                return True
        return False
    return _elem(x, xs)


@frame_of("elem")
def _elem(x: Any, xs: Any) -> Frame:
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if not xs:
        return False
    if type(x) is Thunk:
        x = x.value if x.code is None else (yield x)
    tx = type(x)
    if tx is int or tx is str or tx is bool:
        # (`==` of a string, integer or Boolean with any value forces nothing
        # more: `_same` is its answer where Python's `==` says equal.)
        for y in xs:
            if type(y) is Thunk:
                y = y.value if y.code is None else (yield y)
            if x == y and _same(x, y):
                return True
        return False
    for y in xs:
        if (yield from ops.equal(x, y, True)):
            return True
    return False


def _same(x: Any, y: Any) -> bool:
    """Whether ``x`` (a string, integer or Boolean) and ``y``, equal by
    Python's `==`, are equal by Nix's: not a Boolean and a number."""
    tx, ty = type(x), type(y)
    return ty is tx or (ty is float and tx is int) or (ty is CtxStr and tx is str)


@builtin("concatLists", 1)
def concat_lists(xss: Any) -> Any:
    """`concatLists lists`: the concatenation of a list of lists."""
    if type(xss) is Thunk and xss.code is None:
        xss = xss.value
    if type(xss) is NixList:
        out = NixList()
        for xs in xss:
            if type(xs) is Thunk and xs.code is None:
                xs = xs.value
            if type(xs) is not NixList:
                return _concat_lists(xss)
            out += xs
        charge(8 * len(out))
        return out
    return _concat_lists(xss)


@frame_of("concatLists")
def _concat_lists(xss: Any) -> Frame:
    if type(xss) is not NixList:
        if type(xss) is Thunk:  # (forced here: no `_list` generator)
            xss = xss.value if xss.code is None else (yield xss)
        if type(xss) is not NixList:
            raise _not_list(xss)
    out = NixList()
    for xs in xss:
        try:
            if type(xs) is Thunk:
                xs = xs.value if xs.code is None else (yield xs)
            if type(xs) is not NixList:
                raise _not_list(xs)
            out.extend(xs)
        except EvalTypeError as err:
            element_error(err, "a value of the list", "concatLists")
            raise
    charge(8 * len(out))
    return out


@builtin("concatMap", 2)
def concat_map(f: Any, xs: Any) -> Frame:
    """`concatMap f list`: `concatLists (map f list)`."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    out = NixList()
    for x in xs:
        r = apply_now(f, x)
        if type(r) in TAILS:
            r = yield r
        if type(r) is not NixList:
            where = f.span if type(f) is Closure else None
            raise result_error(ops.type_error(r, "a list"), "the function", "concatMap", where)
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
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    for x in xs:
        r = apply_now(f, x)
        if type(r) in TAILS:
            r = yield r
        if not _bool(r, "all"):
            return False
    return True


@builtin("any", 2)
def any_(f: Any, xs: Any) -> Frame:
    """`any pred list`: whether `pred` is true for at least one element."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    for x in xs:
        r = apply_now(f, x)
        if type(r) in TAILS:
            r = yield r
        if _bool(r, "any"):
            return True
    return False


@builtin("genList", 2)
def gen_list(f: Any, n: Any) -> Any:
    """`genList f n`: the list `[ (f 0) ... (f (n - 1)) ]`, elements lazy."""
    if type(n) is Thunk and n.code is None:
        n = n.value
    if type(f) is Thunk and f.code is None:
        f = f.value
    if type(n) is int and n >= 0 and type(f) is Closure:
        # Both evaluated, nothing to check: the list at once (no frame).
        charge(8 * n)
        return NixList(app_thunks(f, range(n)))
    return _gen_list(f, n)


@frame_of("genList")
def _gen_list(f: Any, n: Any) -> Frame:
    if type(n) is Thunk:  # (forced here: no `ops.force_int` generator)
        n = n.value if n.code is None else (yield n)
    if type(n) is not int:
        n = yield from ops.force_int(n)  # (its error)
    if n < 0:
        raise NixError(f"cannot create list of size {n}")
    # Nix checks the function even for an empty list.
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    charge(8 * n)
    return NixList(app_thunks(f, range(n)))


@builtin("foldl'", 3)
def foldl_strict(op: Any, nul: Any, xs: Any) -> Frame:
    """`foldl' op nul list`: left fold, forcing the accumulator at each step."""
    if type(op) is Thunk:
        op = op.value if op.code is None else (yield op)
    _check_function(op)
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if type(nul) is Thunk and nul.code is not None:
        evaluate_plain(nul)  # (so that the first `op nul x` has both evaluated too)
    acc = nul
    lam = type(op) is Closure
    both = two_argument_code(op)  # `acc: x: body`: its inner body started at once
    start: Any = None  # (a `Starter` of `both`, made for the first element)
    # Its plain twin (None if it has none; the mark is a 2-tuple if it has).
    mark = op.curried if both is not None else None
    twin = two_argument_plain(op) if type(mark) is tuple and len(mark) == 2 else None
    budget = ACTIVE.get() or _NO_BUDGET  # (read and restored around the twin)
    seen: Any = None  # (an `Elements`, made for the first element it is needed for)
    plain = None  # the function of the elements' code last found plain (`genList`'s)
    ahead: Any = NOT_AHEAD  # `seen`'s code found to end at once (run inline), its runner
    runner: Any = None
    asked = False  # whether an element's body (`op acc x`) started here asked the loop
    every = walk.EVERY - 1
    for i, x in enumerate(xs):
        if type(x) is Thunk and x.code is not None:
            if not i & every:
                # Elements evaluated here make no trip through the loop,
                # which would count them: checked here as the loop checks.
                walk.checkpoint(walk.EVERY)
            # (`genList (i: ...)`: then no frame for `op acc x`.)
            code: Any = x.code
            if type(code) is MethodType and code.__func__ is plain:  # (plain: never None here)
                try:
                    v: Any = code()  # (`evaluate_plain`'s, without finding the code plain again)
                except Exception:
                    v = x  # left to the loop
                if type(v) not in TAILS:
                    x.value, x.code = v, None
            elif type(code) is MethodType and code.__func__ is ahead:
                # (`Elements.evaluate`'s `range` case inline: no call.)
                x.value, x.code = code, BLACKHOLE
                try:
                    v = code()
                    v = runner.send(v) if type(v) is GeneratorType else (v,)
                except Exception:
                    v = None
                if type(v) is tuple and type(v[0]) not in TAILS:
                    x.value, x.code = v[0], None
                else:
                    x.value, x.code = None, code
                    seen.gave_up(ahead)
                    ahead = NOT_AHEAD
            else:
                if seen is None:
                    seen = Elements()
                plain = seen.evaluate(x, code)
                ahead, runner = seen.ahead, seen.runner
        if twin is not None and (type(x) is not Thunk or x.code is None):
            spent = budget.allocated
            try:
                r: Any = twin(acc, x)
            except Exception:
                r = MISSING
            if r is not MISSING and type(r) not in TAILS:
                acc = r
                continue
            twin = None  # any other ending (rare): the body's frame from now on
            budget.allocated = spent  # (what the twin charged, the body charges)
        if both is not None:
            if type(x) is Thunk and x.code is not None:
                r = both(acc, x)
            else:
                if start is None:
                    start = Starter(both)
                r = both(acc, x) if start.asked else start(acc, x)  # (asked: unstarted)
            if type(r) is Thunk or type(r) is Call:
                r = Call(op.code(acc), x)  # (as below)
            acc = (yield r) if type(r) in TAILS else r
            continue
        # `acc: x: ...`: the body for `acc` is mostly a lambda given at
        # once, which needs no round trip through the loop.
        g = _op_applied(op, lam, acc)
        if type(g) in TAILS:
            g = yield g
        if type(g) is Closure:
            r = _body_applied(g, x, asked)
            if type(r) is Resume:
                asked = True
            acc = (yield r) if type(r) in TAILS else r
        else:
            acc = yield Call(g, x)
    if start is not None:
        start.done()
    return acc


class _NoBudget:
    """What `foldl'` reads and restores around its twin outside a budget."""

    __slots__ = ("allocated",)

    def __init__(self) -> None:
        self.allocated = 0


_NO_BUDGET = _NoBudget()


def _body_applied(g: Closure, x: Any, asked: bool) -> Any:
    """`g x` for `foldl'` (``g`` being `op acc`), as far as it goes without the
    loop: its value, or what to yield for it (a `Resume` if the body asked)."""
    r = g.code(x)
    t = type(r)
    if t is GeneratorType:
        if (type(x) is not Thunk or x.code is None) and not asked:
            # (`peek`'s commonest case inline: a body ending at once.)
            try:
                req = r.send(None)
            except StopIteration as stop:
                ended = stop.value
                return started_again(r, g, x, ended) if type(ended) in TAILS else ended
            except Exception:
                return g.code(x)  # a new frame: the loop reports the error
            # A body that asks (`pred el`): the next ones are handed on
            # unstarted (run by the loop's drivers, they end without the
            # `StopIteration` of a frame started here).
            return Resume(r, req)
    elif t is Thunk or t is Call:
        # Through the loop (its body, which asked for nothing, again):
        # if the tail fails, the trace still names this function.
        return Call(g, x)
    return r


def _op_applied(op: Any, lam: bool, acc: Any) -> Any:
    """`op acc` for `foldl'`, as far as it goes without the loop."""
    if lam:
        # (apply_now's first case, inline.)
        g = op.code(acc)
        t = type(g)
        if t is GeneratorType:
            if type(acc) is not Thunk or acc.code is None:
                g = peek(g, op, acc)
        return g
    return apply_now(op, acc)


@builtin("partition", 2)
def partition(f: Any, xs: Any) -> Frame:
    """`partition pred list`: `{ right = matching; wrong = the others; }`."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    right = NixList()
    wrong = NixList()
    for x in xs:
        r = apply_now(f, x)
        if type(r) in TAILS:
            r = yield r
        keep = _bool(r, "partition", "the partition function")
        (right if keep else wrong).append(x)
    return Attrs(right=right, wrong=wrong)


@builtin("groupBy", 2)
def group_by(f: Any, xs: Any) -> Frame:
    """`groupBy f list`: elements grouped in a set by the string `f x`."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None or evaluate_plain(xs) else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    groups: dict[str, NixList] = {}
    for x in xs:
        key = apply_now(f, x)
        if type(key) in TAILS:
            key = yield key
        if type(key) is not str and type(key) is not CtxStr:
            raise result_error(ops.type_error(key, "a string"), "the grouping function", "groupBy")
        groups.setdefault(str(key), NixList()).append(x)
    return Attrs(groups)


def _is_less_than(fn: Any) -> bool:
    return type(fn) is PrimOp and fn.name == "lessThan"


def _comparator(cmp: Any) -> Any:
    """A function ``less(a, b)`` calling the Nix comparator ``cmp``: a Boolean,
    or a generator giving it when the loop is needed (see :func:`_less`)."""
    if _is_less_than(cmp):
        return ops.less_than
    both = two_argument_code(cmp)
    lam = type(cmp) is Closure

    def less(a: Any, b: Any) -> Any:
        # Each application is yielded only when it has work left for the
        # loop (a frame, thunk or call): a lambda returned at once, or a
        # comparison the body decides without forcing, costs no round trip
        # and no generator.
        g = cmp.code(a) if lam else apply_now(cmp, a)
        if type(g) is Closure:
            r: Any = g.code(b)
            if type(r) is GeneratorType and (type(b) is not Thunk or b.code is None):
                # (`apply_now`'s first case, inline: sort's elements are forced.)
                try:
                    req = r.send(None)
                except StopIteration as stop:
                    if type(stop.value) is bool:
                        return stop.value
                    r = peek(g.code(b), g, b)  # the rarer endings, as `apply_now` has them
                except Exception:
                    r = peek(g.code(b), g, b)
                else:
                    r = Resume(r, req)
            if type(r) is bool:
                return r
            return _checked(r)
        if type(g) is GeneratorType:
            g = peek(g, cmp, a)  # (`apply_now`'s, for a body not given at once)
        return _less_slow(g, b)

    if both is None:
        return less

    twin = two_argument_plain(cmp)
    budget = ACTIVE.get()
    start = Starter(both)

    def less_curried(a: Any, b: Any) -> Any:
        # `a: b: body`: its inner body's plain twin, or the body started with
        # both arguments (see `support.curried_inner`), the rarer endings as
        # `less` has them. (Sort's elements are evaluated.)
        nonlocal twin
        if twin is not None:
            spent = budget.allocated if budget is not None else 0
            try:
                r = twin(a, b)
            except Exception:
                r = MISSING
            if type(r) is bool:
                return r
            twin = None  # any other ending (rare): the body's frame from now on
            if budget is not None:
                budget.allocated = spent  # (what the twin charged, the body charges)
        r = start(a, b)
        if type(r) is bool:
            return r
        return _checked(r)

    return less_curried


def _less_slow(g: Any, b: Any) -> Frame:
    if type(g) in TAILS:
        g = yield g
    r = apply_now(g, b) if type(g) is Closure else Call(g, b)
    return (yield from _checked(r))


def _checked(r: Any) -> Frame:
    if type(r) in TAILS:
        r = yield r
    if type(r) is not bool:
        raise result_error(ops.type_error(r, "a Boolean"), "the sorting function", "sort")
    return r


def _counted(less: Any) -> Any:
    """``less`` checking the budget every so many comparisons (``lessThan``
    on evaluated values compares without the loop's help)."""
    count = 0

    def counted(a: Any, b: Any) -> Frame:
        nonlocal count
        count += 1
        if not count & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY)
        return (yield from less(a, b))

    return counted


@builtin("sort", 2)
def sort(cmp: Any, xs: Any) -> Frame:
    """`sort lessThan list`: the list sorted stably by the comparator `lessThan a b`."""
    # Nix checks the list first; an empty one does not need the function.
    if type(xs) is not NixList:
        if type(xs) is Thunk:
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise _not_list(xs)
    if not xs:
        return xs
    if type(cmp) is Thunk:
        cmp = cmp.value if cmp.code is None else (yield cmp)
    _check_function(cmp)
    charge(16 * len(xs))
    items = []
    for x in xs:
        if type(x) is Thunk:
            x = x.value if x.code is None else (yield x)
        items.append(x)
    if len(items) < 2:
        return NixList(items)
    if _is_less_than(cmp):
        kinds = {type(x) for x in items}
        if kinds <= {int, float} or kinds <= {str, CtxStr}:
            # Total orders, no errors possible: Python's stable sort gives the same list.
            walk.checkpoint(len(items))
            return NixList(sorted(items))
    less = _comparator(cmp)
    if _is_less_than(cmp):
        less = _counted(less)
    # (Waiting here names no parameter: an error inside the comparator gets no
    # "while evaluating the first argument" entry, as in Nix.)
    yield from stable_sort(items, less)
    return NixList(items)
