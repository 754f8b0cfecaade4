"""Attribute-set builtins: names, values, lookup, construction, mapping."""

from __future__ import annotations

from functools import partial
from types import MethodType
from typing import Any

from evaluator.builtins.registry import builtin
from evaluator.builtins.support import (
    _check_function,
    app2_head,
    charge,
    element_error,
    evaluate_plain,
    frame_of,
    missing_attribute,
    result_error,
)
from evaluator.vm import ops, walk
from evaluator.vm.errors import BudgetExceeded, Cancelled, EvalTypeError, NixError
from evaluator.vm.frames import NO_FILE, span_of_position
from evaluator.vm.values import (
    EMPTY_ATTRS,
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
)


def _not_attrs(v: Any) -> NixError:
    # The hot frames force their set inline (no sub-generator of `_attrs`).
    return ops.type_error(v, "a set")


_SECOND = "passed as second argument to"


def _element(v: Any, what: str, name: str, passed: str = "passed to") -> Frame:
    """An element of a list argument that must be a set: a wrong one gets Nix's
    entry "while evaluating ``what`` ``passed`` builtins.``name``"."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is not Attrs:
        raise element_error(ops.type_error(v, "a set"), what, name, passed)
    return v


def _name(v: Any) -> Frame:
    """An attribute name argument: a string without context (as Nix's forceStringNoCtx)."""
    if type(v) is Thunk:
        v = v.value if v.code is None else (yield v)
    if type(v) is str:
        return v
    if type(v) is CtxStr:
        raise ops.context_not_allowed(v)
    raise ops.type_error(v, "a string")


_PAIR_NAME = (
    "while evaluating the `name` attribute of an element of the list passed to builtins.listToAttrs"
)


def _pair_name(v: Any, pair: Attrs) -> Frame:
    """The `name` of a `listToAttrs` pair, forced as Nix forces it: at the
    attribute's position, with Nix's entry in place of the attribute's own."""
    try:
        return (yield from _name(v))
    except (BudgetExceeded, Cancelled):
        raise
    except NixError as err:
        _pair_name_failed(err, pair)
        raise


def _pair_name_failed(err: NixError, pair: Attrs) -> None:
    """Add Nix's entry for ``err`` (raised forcing or checking a pair's `name`)."""
    where = pair.positions  # a dict, or merged positions (a Mapping)
    span = span_of_position(where.get("name") if where else None)
    if err.trace and err.trace[-1][0] == "while evaluating the attribute 'name'":
        # The attribute's own entry is at the same place (and known for `-E` text too).
        span = err.trace.pop()[1] or span
    err.add_trace(_PAIR_NAME, span)
    if err.span is None:  # raised by the check itself: Nix locates it at the name
        err.span = span


@builtin("attrNames", 1)
def attr_names(s: Any) -> Any:
    """`attrNames set`: the names of the attributes, sorted."""
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(s) is Attrs:
        return NixList(sorted(s))
    return _attr_names(s)


@frame_of("attrNames")
def _attr_names(s: Any) -> Frame:
    if type(s) is not Attrs:
        if type(s) is Thunk:  # forced here, in the frame (no helper generator)
            s = s.value if s.code is None else (yield s)
        if type(s) is not Attrs:
            raise _not_attrs(s)
    return NixList(sorted(s))


@builtin("attrValues", 1)
def attr_values(s: Any) -> Any:
    """`attrValues set`: the values of the attributes, sorted by name."""
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(s) is Attrs:
        return NixList([s[k] for k in sorted(s)])
    return _attr_values(s)


@frame_of("attrValues")
def _attr_values(s: Any) -> Frame:
    if type(s) is not Attrs:
        if type(s) is Thunk:  # forced here, in the frame (no helper generator)
            s = s.value if s.code is None else (yield s)
        if type(s) is not Attrs:
            raise _not_attrs(s)
    return NixList([s[k] for k in sorted(s)])


@builtin("getAttr", 2)
def get_attr(name: Any, s: Any) -> Frame:
    """`getAttr name set`: the attribute `name` of `set` (like `set.${name}`)."""
    if type(name) is not str:
        name = yield from _name(name)
    if type(s) is not Attrs:
        if type(s) is Thunk:  # forced here, in the frame (no helper generator)
            s = s.value if s.code is None else (yield s)
        if type(s) is not Attrs:
            raise _not_attrs(s)
    try:
        return s[name]
    except KeyError:
        raise missing_attribute(name, "in the attribute set under consideration") from None


@builtin("hasAttr", 2)
def has_attr(name: Any, s: Any) -> Any:
    """`hasAttr name set`: whether `set` has an attribute `name` (like `set ? ${name}`)."""
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(name) is str and type(s) is Attrs:
        return name in s
    return _has_attr(name, s)


@frame_of("hasAttr")
def _has_attr(name: Any, s: Any) -> Frame:
    if type(name) is not str:
        name = yield from _name(name)
    if type(s) is not Attrs:
        if type(s) is Thunk:  # forced here, in the frame (no helper generator)
            s = s.value if s.code is None else (yield s)
        if type(s) is not Attrs:
            raise _not_attrs(s)
    return name in s


@builtin("removeAttrs", 2, global_=True)
def remove_attrs(s: Any, names: Any) -> Any:
    """`removeAttrs set names`: `set` without the attributes listed in `names`."""
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(s) is Attrs and type(names) is Thunk and evaluate_plain(names):
        # (The set first, as Nix forces it: plain code is unobservable anyway.)
        names = names.value  # (a list literal of names is plain code)
    if type(s) is Attrs and type(names) is NixList:
        drop = set()
        for n in names:
            if type(n) is Thunk and (n.code is None or evaluate_plain(n)):
                n = n.value
            if type(n) is not str:
                return _remove_attrs(s, names)
            drop.add(n)
        return _without(s, drop)
    return _remove_attrs(s, names)


def _without(s: Attrs, drop: set[str]) -> Attrs:
    if drop.isdisjoint(s):
        return s
    # A copy (`dict`'s, in C: a clean table is cloned whole) less the names:
    # a sixth of a comprehension's cost on 60 names; the order is kept.
    out = Attrs(s)
    pop = dict.pop
    for name in drop:
        pop(out, name, None)
    out.positions = s.positions
    return out


@frame_of("removeAttrs")
def _remove_attrs(s: Any, names: Any) -> Frame:
    if type(s) is not Attrs:
        if type(s) is Thunk:  # forced here, in the frame (no helper generator)
            s = s.value if s.code is None else (yield s)
        if type(s) is not Attrs:
            raise _not_attrs(s)
    if type(names) is not NixList:
        if type(names) is Thunk:  # forced here: no generator of `ops.force_list`
            names = names.value if names.code is None else (yield names)
        if type(names) is not NixList:
            raise ops.type_error(names, "a list")
    drop = set()
    for n in names:
        if type(n) is Thunk and n.code is None:
            n = n.value
        if type(n) is not str:
            try:
                n = yield from _name(n)
            except NixError as err:
                err.add_trace(
                    "while evaluating the values of the second argument passed to "
                    "builtins.removeAttrs",
                    None,
                )
                raise
        drop.add(n)
    return _without(s, drop)


@builtin("intersectAttrs", 2)
def intersect_attrs(a: Any, b: Any) -> Frame:
    """`intersectAttrs e1 e2`: the attributes of `e2` whose names are in `e1`."""
    if type(a) is not Attrs:
        if type(a) is Thunk:  # forced here, in the frame (no helper generator)
            a = a.value if a.code is None else (yield a)
        if type(a) is not Attrs:
            raise _not_attrs(a)
    if type(b) is not Attrs:
        if type(b) is Thunk:  # forced here, in the frame (no helper generator)
            b = b.value if b.code is None else (yield b)
        if type(b) is not Attrs:
            raise _not_attrs(b)
    if len(a) < len(b):
        # Over the smaller set, as Nix does: `intersectAttrs (functionArgs f)
        # pkgs` (callPackage) must not cost the size of the package set.
        out = Attrs({k: b[k] for k in a if k in b})
    else:
        out = Attrs({k: v for k, v in b.items() if k in a})
    out.positions = b.positions
    return out


@builtin("listToAttrs", 1)
def list_to_attrs(xs: Any) -> Frame:
    """`listToAttrs [ { name; value; } ... ]`: a set; the first of equal names wins."""
    if type(xs) is not NixList:
        if type(xs) is Thunk:  # forced here: no generator of `ops.force_list`
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise ops.type_error(xs, "a list")
    out = Attrs()
    positions: dict[str, tuple[str, int, int]] = {}
    for x in xs:
        if type(x) is not Attrs:
            if type(x) is Thunk:  # (forced here: no `_element` generator for a set)
                x = x.value if x.code is None else (yield x)
            if type(x) is not Attrs:
                x = yield from _element(x, "an element of the list", "listToAttrs")
        if "name" not in x:
            raise missing_attribute("name", "in a {name=...; value=...;} pair")
        name = x["name"]
        if type(name) is Thunk:
            if name.code is None:
                name = name.value
            else:  # (forced here: no `_pair_name` and `_name` generators for it)
                try:
                    name = yield name
                except (BudgetExceeded, Cancelled):
                    raise
                except NixError as err:
                    _pair_name_failed(err, x)
                    raise
        if type(name) is not str:
            name = yield from _pair_name(name, x)
        if name in out:
            continue
        if "value" not in x:
            raise missing_attribute("value", "in a {name=...; value=...;} pair")
        out[name] = x["value"]
        # Nix 2.26: an attribute is where its element's `value` is.
        where = x.positions
        if where:
            pos = where.get("value")
            if pos is not None:
                positions[name] = pos
    out.positions = positions or None
    charge(48 * len(out))
    return out


@builtin("mapAttrs", 2)
def map_attrs(f: Any, s: Any) -> Any:
    """`mapAttrs f set`: a set with each value replaced by `f name value` (lazily)."""
    if type(s) is Thunk and s.code is None:
        s = s.value
    if type(s) is Attrs:
        # Nix 2.26 keeps no positions here (nixpkgs' module tests rely on it).
        return _thunk_set(f, s)
    return _map_attrs(f, s)


@frame_of("mapAttrs")
def _map_attrs(f: Any, s: Any) -> Frame:
    if type(s) is Thunk:  # forced here, in the frame (no helper generator)
        s = s.value if s.code is None else (yield s)
    if type(s) is not Attrs:
        raise _not_attrs(s)
    return _thunk_set(f, s)


@builtin("catAttrs", 2)
def cat_attrs(name: Any, xs: Any) -> Any:
    """`catAttrs name sets`: the values of attribute `name` in each set that has it."""
    if type(xs) is Thunk and xs.code is None:
        xs = xs.value
    if type(name) is str and type(xs) is NixList:
        out = NixList()
        for x in xs:
            if type(x) is Thunk and x.code is None:
                x = x.value
            if type(x) is not Attrs:
                return _cat_attrs(name, xs)
            if name in x:
                out.append(x[name])
        return out
    return _cat_attrs(name, xs)


@frame_of("catAttrs")
def _cat_attrs(name: Any, xs: Any) -> Frame:
    if type(name) is not str:
        name = yield from _name(name)
    if type(xs) is not NixList:
        if type(xs) is Thunk:  # forced here: no generator of `ops.force_list`
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise ops.type_error(xs, "a list")
    out = NixList()
    for x in xs:
        if type(x) is not Attrs:
            if type(x) is Thunk:  # (as `listToAttrs`)
                x = x.value if x.code is None else (yield x)
            if type(x) is not Attrs:
                x = yield from _element(x, "an element in the list", "catAttrs", _SECOND)
        if name in x:
            out.append(x[name])
    return out


@builtin("zipAttrsWith", 2)
def zip_attrs_with(f: Any, xs: Any) -> Frame:
    """`zipAttrsWith f sets`: for each name, `f name [values of that name...]` (lazily)."""
    if type(f) is Thunk:  # forced here: no generator of `ops.force_function`
        f = f.value if f.code is None else (yield f)
    _check_function(f)
    if type(xs) is not NixList:
        if type(xs) is Thunk:  # forced here: no generator of `ops.force_list`
            xs = xs.value if xs.code is None else (yield xs)
        if type(xs) is not NixList:
            raise ops.type_error(xs, "a list")
    groups: dict[str, NixList] = {}
    get, new = groups.get, NixList
    for x in xs:
        if type(x) is not Attrs:
            if type(x) is Thunk:  # forced here: no generator of `_element`
                x = x.value if x.code is None else (yield x)
            if type(x) is not Attrs:
                raise element_error(
                    ops.type_error(x, "a set"), "a value of the list", "zipAttrsWith", _SECOND
                )
        for k, v in x.items():
            # (Not `setdefault(k, NixList())`, which makes a list every time.)
            g = get(k)
            if g is None:
                g = groups[k] = new()
            g.append(v)
    return _thunk_set(f, groups)


def _thunk_set(f: Any, args: dict[str, Any]) -> Attrs:
    """The set of `f name arg` (lazily) for each ``name = arg`` of ``args``, no positions."""
    out = Attrs()
    if not args:  # (a sixth of the module system's: no head to make)
        out.positions = None
        return out
    head, takes_name = app2_head(f)
    new, cls = object.__new__, Thunk
    for k, v in args.items():
        # (`Thunk(partial(...))` without a Python frame of `Thunk.__init__`;
        # a bound method for one argument: cheaper, see `support._thunks`.)
        t = out[k] = new(cls)
        t.value = None
        if takes_name or v is None:
            t.code = partial(head, k, v) if takes_name else partial(head, v)
        else:
            t.code = MethodType(head, v)
        t.span = None
    out.positions = None
    return out


@builtin("functionArgs", 1)
def function_args(f: Any) -> Frame:
    """`functionArgs f`: the formal arguments of `f`, each mapped to whether it has a default."""
    if type(f) is Thunk:
        f = f.value if f.code is None else (yield f)
    t = type(f)
    if t is PrimOp or t is PrimOpApp:
        return EMPTY_ATTRS
    if t is not Closure:
        raise EvalTypeError("'functionArgs' requires a function")
    if f.formals is None:
        return EMPTY_ATTRS
    out = Attrs(f.formals)
    out.positions = getattr(f.formals, "positions", None)  # formal positions (codegen)
    return out


@builtin("unsafeGetAttrPos", 2)
def unsafe_get_attr_pos(name: Any, s: Any) -> Frame:
    """`unsafeGetAttrPos name set`: `{ file; line; column; }` where `name` is defined, or null."""
    if type(name) is not str:
        name = yield from _name(name)
    if type(s) is not Attrs:
        if type(s) is Thunk:  # forced here, in the frame (no helper generator)
            s = s.value if s.code is None else (yield s)
        if type(s) is not Attrs:
            raise _not_attrs(s)
    if name not in s or s.positions is None or name not in s.positions:
        return None
    file, line, column = s.positions[name]
    if file == NO_FILE:  # Nix 2.26: `-E` and stdin have no position
        return None
    return Attrs(file=file, line=line, column=column)


def _key_kind(v: Any) -> int:
    t = type(v)
    if t is int or t is float:
        return 0
    if t is str or t is CtxStr:
        return 1
    if t is NixPath:
        return 3
    return 2


_CLOSURE_ARGUMENT = "attribute passed as argument to builtins.genericClosure"
_IN_CLOSURE_ARGUMENT = "in the attrset passed as argument to builtins.genericClosure"
_CLOSURE_ELEMENT = "one of the elements"
_CLOSURE_BY = "generated by (or initially passed to)"


@builtin("genericClosure", 1)
def generic_closure(args: Any) -> Frame:
    """`genericClosure { startSet; operator; }`: all sets reachable from `startSet` through
    `operator`, each distinct `key` once (in breadth-first order)."""
    if type(args) is not Attrs:
        if type(args) is Thunk:  # forced here, in the frame (no helper generator)
            args = args.value if args.code is None else (yield args)
        if type(args) is not Attrs:
            raise _not_attrs(args)
    if "startSet" not in args:
        raise missing_attribute("startSet", _IN_CLOSURE_ARGUMENT)
    try:
        start = yield from ops.force_list(args["startSet"])
    except NixError as err:
        err.add_trace(f"while evaluating the 'startSet' {_CLOSURE_ARGUMENT}", None)
        err.__dict__["argument_seen"] = True
        raise
    if "operator" not in args:
        raise missing_attribute("operator", _IN_CLOSURE_ARGUMENT)
    op = args["operator"]
    work = list(start)
    done_simple: set[Any] = set()
    done_other: list[Any] = []
    first_key: Any = None
    first_kind = 0
    out = NixList()
    pos = 0
    while pos < len(work):
        e = work[pos]
        pos += 1
        if type(e) is not Attrs:
            if type(e) is Thunk:  # (forced here: no `_element` generator for a set)
                e = e.value if e.code is None else (yield e)
            if type(e) is not Attrs:
                e = yield from _element(e, _CLOSURE_ELEMENT, "genericClosure", _CLOSURE_BY)
        if "key" not in e:
            raise NixError("attribute 'key' required")
        key = e["key"]
        if type(key) is Thunk:  # (no `ops.force` generator)
            key = key.value if key.code is None else (yield key)
        # Keys are ordered by lessThan in Nix: all keys must be comparable.
        kind = _key_kind(key)
        if first_key is None:
            first_key, first_kind = key, kind
        elif kind != first_kind or kind == 2:
            yield from _compare_keys(key, first_key)
        if kind != 2:
            hashable = str(key) if type(key) is CtxStr else key
            if hashable in done_simple:
                continue
            done_simple.add(hashable)
        else:
            if (yield from _seen_key(key, done_other)):
                continue
            done_other.append(key)
        out.append(e)
        more = yield Call(op, e)
        if type(more) is not NixList:
            if type(more) is Thunk:
                more = more.value if more.code is None else (yield more)
            if type(more) is not NixList:
                wrong = ops.type_error(more, "a list")
                raise result_error(wrong, "the `operator`", "genericClosure")
        work.extend(more)
    return out


_COMPARING_KEYS = "while comparing the `key` attributes of two genericClosure elements"


def _compare_keys(a: Any, b: Any) -> Frame:
    """``a < b`` of two keys, any error under Nix's entry for it (as its `CompareValues`)."""
    try:
        return (yield from ops.less_than(a, b))
    except (BudgetExceeded, Cancelled):
        raise
    except NixError as err:
        err.add_trace(_COMPARING_KEYS, None)
        raise


def _seen_key(key: Any, done: list[Any]) -> Frame:
    """Whether a key of no simple kind equals one of ``done`` (neither is less)."""
    for i, k in enumerate(done, 1):
        if not i & (walk.EVERY - 1):
            walk.checkpoint(walk.EVERY)  # keys compared without the loop
        if not (yield from _compare_keys(key, k)) and not (yield from _compare_keys(k, key)):
            return True
    return False
