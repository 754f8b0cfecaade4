"""Functions and calls: lambdas, applications, and selections speculated at call sites.

Methods of :class:`~evaluator.compiler.codegen.Compiler`, written as functions of it
(the class takes them as attributes).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING

from evaluator.compiler.bindings import unparen
from evaluator.compiler.codegen_base import (
    _IMAX,
    _IMIN,
    Step,
    _Fn,
    _Lazy,
    _simple_operand,
    is_name,
)
from evaluator.compiler.codegen_sets import MAX_SHARE_DEPTH, shared_of
from evaluator.compiler.model import GlobalRef, LocalRef
from evaluator.syntax import nodes
from evaluator.vm.values import Attrs

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler


def c_lambda(self: Compiler, fn: _Fn, node: nodes.Lambda) -> Step:
    expr = yield self.lambda_(fn, node, self.curried_names.pop(id(node), None))
    out = self.temp(fn)
    self.emit(fn, f"{out} = {expr}", node)
    return out


def lambda_(self: Compiler, fn: _Fn, node: nodes.Lambda, name: str | None) -> Step:
    """Compile a lambda; returns the expression creating its closure."""
    # Nix 2.26 names the function, not its position, in argument errors.
    who = f"function '{name}'" if name else "function 'anonymous lambda'"
    descr = f"while calling '{name}'" if name else "while calling anonymous lambda"
    child = self.new_fn("lam", fn, descr, node)
    scope = node
    if node.param is not None:
        arg = self.var_name(scope, node.param.name)
    else:
        arg = self.fresh("arg")
    child.params.append(arg)
    self.define(child, arg)
    formals_const = "None"
    ellipsis = False
    if node.formals is not None:
        formals = node.formals
        ellipsis = formals.ellipsis
        self.force_var(child, arg, node)
        # Argument errors are reported at the call site (the caller's line).
        self.emit(child, f"if type({arg}) is not Attrs: raise r_type_error({arg}, 'a set')")
        seen: dict[str, bool] = {}
        unique: list[nodes.Formal] = []
        for formal in formals.entries:
            if formal.name.name not in seen:
                seen[formal.name.name] = formal.default is not None
                unique.append(formal)
        names = {f.name.name: self.var_name(scope, f.name.name) for f in unique}
        for fp in names.values():
            self.define(child, fp)
        # Defaults see every formal (and each other): compiled first, then
        # bound as thunks once all formals exist.
        defaults: list[tuple[str, str, nodes.Formal, _Lazy]] = []
        required: list[str] = []
        for formal in unique:
            fname = formal.name.name
            fp = names[fname]
            # `dict.get`: a method looked up on a set is slow (see `Attrs`).
            self.emit(child, f"{fp} = dict.get({arg}, {fname!r}, MISSING)", formal)
            if formal.default is None:
                required.append(fname)
                continue
            op = yield self.lazy(child, formal.default)
            flag = self.fresh("m")
            self.emit(child, f"{flag} = {fp} is MISSING", formal)
            if op.child is None and not op.deps:
                self.emit(child, f"if {flag}: {fp} = {op.expr}", formal)
            else:
                self.emit(child, f"if {flag}: {fp} = Thunk(PENDING)", formal)
                defaults.append((fp, flag, formal, op))
        if required:
            # One line for all (generated code is what `compile()` pays for).
            missing = " or ".join(f"{names[f]} is MISSING" for f in required)
            which = self.const(tuple(required))
            span = self.const(self.span(node.start, node.end))
            self.emit(child, f"if {missing}: r_missing_formal({arg}, {which}, {who!r}, {span})")
        for fp, flag, formal, op in defaults:
            code = (
                self.fnref(child, op.child)
                if op.child is not None
                else f"partial(r_const, {op.expr})"
            )
            self.emit(child, f"if {flag}: {fp}.code = {code}", formal)
        if not ellipsis:
            # After the missing-argument checks, as Nix reports them first.
            allowed = self.const(frozenset(seen))
            self.emit(
                child,
                f"if len({arg}) > {len(seen)} or not {allowed}.issuperset({arg}):"
                f" r_check_formals({arg}, {allowed}, {who!r})",
            )
        # An Attrs (a dict) so `functionArgs` can report formal positions.
        formals_attrs = Attrs(seen)
        formals_attrs.positions = {
            f.name.name: self.position(f.name.start) for f in reversed(formals.entries)
        }
        formals_const = self.const(formals_attrs)
    body = unparen(node.body)
    if name and type(body) is nodes.Lambda:
        self.curried_names[id(body)] = name
    first = len(self.fns)
    yield self.tail(child, node.body)
    if _is_curried_body(fn, node):
        # The enclosing `a: <this>`'s argument last among the captures, so
        # that the enclosing lambda can be marked (see `_curried_inner`).
        arg_a = fn.params[0]
        if arg_a in child.captures:
            del child.captures[arg_a]
            child.captures[arg_a] = None
    # `a: b: body`: `curried` names the inner body (see `_curried_inner`).
    curried = _curried_inner(self, child, node, first) if node.formals is None else None
    name_src = repr(name) if name else "None"
    span = self.const(self.span(node.start, node.end))
    param = f", {node.param.name!r}" if node.param is not None else ""
    if curried is not None:
        param = f"{param or ', None'}, {curried}"
    code = self.fnref(fn, child)
    return f"Closure({code}, {formals_const}, {ellipsis}, {name_src}, {span}{param})"


def _is_curried_body(fn: _Fn, node: nodes.Lambda) -> bool:
    """Whether ``node`` is the whole body of the lambda ``fn`` is the code of,
    a lambda without formals (`a: node`)."""
    outer = fn.node
    return (
        type(outer) is nodes.Lambda
        and outer.formals is None
        and unparen(outer.body) is node
        and len(fn.params) == 1
        and fn.name.startswith("lam")
    )


def _curried_inner(self: Compiler, child: _Fn, node: nodes.Lambda, first: int) -> str | None:
    """For the lambda `a: b: body` compiled as ``child``: the name of the inner
    body's function if calling it with ``child``'s captures, `a` and `b` is the
    whole of applying the lambda to `a` and the result to `b`, else None.

    That is when `a:`'s body is only the inner lambda (its code makes the inner
    closure and returns it: nothing to wait for, nothing that can fail) and
    the inner's captures are ``child``'s followed by `a`. Builtins applying a
    function to two arguments (`sort`'s comparator, `foldl'`'s operator,
    `mapAttrs`') then start the inner body directly: no outer call, closure
    or `partial` per application (``builtins.support.two_argument_code``).
    The value goes in `Closure.curried`.
    """
    if len(self.fns) <= first or type(unparen(node.body)) is not nodes.Lambda:
        return None
    inner = self.fns[first]
    if inner.parent is not child or inner.node is not unparen(node.body) or len(child.lines) != 2:
        return None
    captures = list(inner.captures)
    if captures == list(child.captures):
        mark = f"({inner.name},)"  # `a` unused (`_: v: ...`): the inner takes `b` alone
    elif captures == [*child.captures, child.params[0]]:
        mark = inner.name
    else:
        return None
    twin = _plain_twin(self, inner)
    return mark if twin is None else f"({mark}, {twin})"


# Above this many lines an inner body gets no plain twin (comparators and
# operators are a few lines; a large body gains little and costs text).
MAX_TWIN_LINES = 24

# The lines of a generator body that wait for the loop are in the forms the
# code generator writes them (names carry `codegen_base.NAME_MARK`): a force,
# which the twin keeps for evaluated values; any other wait, and a charge to
# the budget, which the twin replaces by giving up. Read with string methods:
# a `re.compile` at import would cost each cold run ~0.5 ms.
_WAITS = ("yield ", "(yield ", "r_charge(")


def _is_name(text: str) -> bool:
    return text.replace("\0", "").isidentifier()


def _twin_force(stripped: str) -> str | None:
    """The variable of a force ``if type(x) is Thunk: x = x.value if x.code is
    None else (yield x)``, else None."""
    x = stripped[8 : stripped.find(")")]
    if not stripped.startswith("if type(") or not _is_name(x):
        return None
    force = f"if type({x}) is Thunk: {x} = {x}.value if {x}.code is None else (yield {x})"
    return x if stripped == force else None


def _twin_guard(head: str) -> bool:
    """Whether ``head`` (before `: ` on a line) is `else` or the condition of a
    one-line `if` before a wait the code generator writes."""
    if head == "else":
        return True
    if head.startswith("if type(") and head.endswith(") in PENDING_TYPES"):
        return _is_name(head[8:-18])
    if head.startswith("if ") and head.endswith(" is SLOW"):
        return _is_name(head[3:-8])
    if head.startswith("if len(") and head.endswith(") > 4096"):
        return _is_name(head[7:-8])
    x = head[8 : head.find(")")]
    return _is_name(x) and head == f"if type({x}) is str and len({x}) > 4096"


def _twin_line(line: str) -> list[str] | None:
    """The twin's lines for ``line`` of the body (which waits or charges), or
    None if it is in a form not known here."""
    stripped = line.lstrip(" ")
    ind = line[: len(line) - len(stripped)]
    x = _twin_force(stripped)
    if x is not None:
        return [
            f"{ind}if type({x}) is Thunk:",
            f"{ind}    if {x}.code is not None: return MISSING",
            f"{ind}    {x} = {x}.value",
        ]
    head, sep, rest = stripped.partition(": ")
    guard = f"{head}: " if sep and _twin_guard(head) else ""
    statement = rest if guard else stripped
    target, eq, value = statement.partition(" = ")
    if eq and _is_name(target):
        statement = value
    statement = statement.removeprefix("not ")
    if statement.startswith(_WAITS) or statement == "yield":
        return [f"{ind}{guard}return MISSING"]
    return None


def _plain_twin(self: Compiler, inner: _Fn) -> str | None:
    """The name of a plain (non-generator) twin of the marked inner body
    ``inner``, for builtins that start it with both arguments (`foldl'`,
    `sort`: ``builtins.support.two_argument_plain``); None if it needs none
    (it never waits) or gets none (longer than :data:`MAX_TWIN_LINES`, or
    a wait in a form not known here).

    The twin is the body's text with every wait made a way out: a force of
    a thunk not evaluated yet, any other wait and a budget charge return
    ``MISSING`` (never a value), after which the caller starts the body
    itself, from the beginning. Up to its first wait a body has asked the
    loop for nothing, so what it did before (compute, make values) is not
    observable, as when a builtin drops a frame that asked (see
    ``builtins.support.finish_now``). A twin that fails is likewise left
    for the body to fail again as a frame, so errors and traces are the
    body's; its own lines carry no trace information.
    """
    lines = inner.lines
    if len(lines) > MAX_TWIN_LINES or not any("yield" in line for line in lines):
        return None
    calls = (".code(", "Call(", ".fn(", "r_head(")
    if any(c in line for line in lines for c in calls):
        return None  # a body that calls mostly waits for the callee: the twin would give up
    out: list[str] = []
    for line in lines:
        if "yield" not in line and "r_charge(" not in line:
            out.append(line)
            continue
        made = _twin_line(line)
        if made is None:
            return None
        out += made
    if any("yield" in line for line in out):
        return None  # (a string holding the word: the twin would be a generator)
    twin = self.new_fn("lam", inner.parent, None, inner.node)
    twin.captures = inner.captures
    twin.params = inner.params
    twin.lines = out
    return twin.name


def c_apply(self: Compiler, fn: _Fn, node: nodes.Apply) -> Step:
    return (yield self.apply(fn, node, tail=False))


def apply(self: Compiler, fn: _Fn, node: nodes.Apply, tail: bool) -> Step:
    spine: list[nodes.Apply] = []
    f: nodes.Node = node
    while True:
        while type(f) is nodes.Paren:
            f = f.expr  # type: ignore[attr-defined]
        if type(f) is not nodes.Apply:
            break
        spine.append(f)  # type: ignore[arg-type]
        f = f.fn  # type: ignore[attr-defined]
    spine.reverse()
    # In a thunk ending in `f a ...`, `f` a variable: nothing here waits for
    # the loop; what would is left to it or to `r_apply_late` (see head_ref).
    late = head_ref(self, fn, f) if tail else None
    cur = late if late is not None else (yield self.value(fn, f))
    if not is_name(cur):
        # A literal (`1 x`): named, since `1.code` is no Python.
        tmp = self.temp(fn)
        self.emit(fn, f"{tmp} = {cur}", f)
        cur = tmp
    args: list[str] = []
    for app in spine:
        op = yield self.lazy(fn, app.arg, arg=True)
        arg = op.expr
        if not _simple_operand(arg):
            tmp = self.temp(fn)
            self.emit(fn, f"{tmp} = {arg}", app.arg)
            arg = tmp
        args.append(arg)
    last = len(spine) - 1
    out = self.temp(fn)
    if late is not None and last > 0:
        cur = late_head(self, fn, cur, f, spine, args)
    # A builtin given all its arguments at once: run it directly (no partial
    # applications, no Call objects); a tail `f a b` has its own short form.
    branch = last > 1 or last == 1 and not tail
    if branch:
        self.emit(fn, f"if type({cur}) is PrimOp and {cur}.arity == {last + 1}:", node)
        fn.indent += 1
        call = f"{cur}.fn({', '.join(args)})"
        if tail:
            # Through the loop with its call site, which the trace of an
            # error in the builtin shows ("while calling the 'X' builtin"),
            # all the arguments at once (see `Call`).
            site = self.const(self.span(spine[-1].start, spine[-1].end))
            self.emit(fn, f"return Call({cur}, ({', '.join(args)}), {site})", node)
        else:
            self.emit(fn, f"{out} = {call}", node)
            self.emit(fn, f"if type({out}) in PENDING_TYPES: {out} = yield {out}", node)
        fn.indent -= 1
        self.emit(fn, "else:", node)
        fn.indent += 1
    if tail and last == 1:
        # Three short lines, whatever `f` is (a site that never runs costs
        # little to compile): a builtin of two arguments, given both at once
        # (see `Call`: no partial application made to be taken apart; the
        # test saves `r_head`'s Python call on the commonest heads), else
        # `r_head` (a marked lambda's inner body), then the tail call with
        # its site.
        site = self.const(self.span(spine[1].start, spine[1].end))
        call = f"Call({cur}, ({args[0]}, {args[1]}), {site})"
        self.emit(fn, f"if type({cur}) is PrimOp and {cur}.arity == 2: return {call}", node)
        head = _apply_at(self, fn, cur, 0, spine, args, tail, late, out)
        self.emit(fn, f"return Call({head}, {args[1]}, {site})", spine[1])
        return None
    for i in range(last + 1):
        cur = _apply_at(self, fn, cur, i, spine, args, tail, late, out)
    if branch:
        fn.indent -= 1
    return None if tail else out


def _apply_at(
    self: Compiler,
    fn: _Fn,
    cur: str,
    i: int,
    spine: list[nodes.Apply],
    args: list[str],
    tail: bool,
    late: str | None,
    out: str,
) -> str:
    """Emit the application of ``cur`` to the ``i``-th argument of ``spine``;
    returns the name holding its value (the tail call is returned instead)."""
    app, arg, last = spine[i], args[i], len(spine) - 1
    # A lambda's body frame is started here (no Call object); anything
    # else (builtins, functors, errors) goes through the loop's Call.
    if tail and i == last:
        span = self.const(self.span(app.start, app.end))
        # A Call even for a lambda: the loop keeps its site for the
        # trace ("from call site") as the callee runs in this frame's place.
        # (After `r_head`, `cur` may be a `partial`: the loop starts it too.)
        self.emit(fn, f"return Call({cur}, {arg}, {span})", app)
        return cur
    res = out if i == last else self.temp(fn)
    if last == 0:
        # One argument: a builtin of arity one runs directly too.
        self.emit(
            fn,
            f"{res} = {cur}.code({arg}) if type({cur}) is Closure"
            f" else {cur}.fn({arg}) if type({cur}) is PrimOp and {cur}.arity == 1"
            f" else Call({cur}, {arg})",
            app,
        )
    elif i == 0:
        # `f a b ...`: a marked `a: b:` lambda gives its inner body waiting
        # for `b` (a `partial`, see `runtime.apply_head`): one short line
        # whether or not `f` is marked, so a site that never runs costs no
        # more to compile than a plain one.
        self.emit(fn, f"{res} = r_head({cur}, {arg})", app)
    elif i == 1:
        self.emit(
            fn,
            f"{res} = {cur}.code({arg}) if type({cur}) is Closure"
            f" else {cur}({arg}) if type({cur}) is partial else Call({cur}, {arg})",
            app,
        )
    else:
        self.emit(
            fn,
            f"{res} = {cur}.code({arg}) if type({cur}) is Closure else Call({cur}, {arg})",
            app,
        )
    _wait(self, fn, res, i, spine, args, late)
    return res


def _wait(
    self: Compiler,
    fn: _Fn,
    res: str,
    i: int,
    spine: list[nodes.Apply],
    args: list[str],
    late: str | None,
) -> None:
    """Emit the wait for ``res``, the ``i``-th application's result."""
    # Function bodies and builtins that never wait return their value
    # at once: only frames, thunks and calls go through the loop.
    if late is not None:
        rest = ", ".join(args[i + 1 :])
        sites = self.const(tuple(self.span(a.start, a.end) for a in spine[i:]))
        wait = f"return r_apply_late({res}, ({rest},), {sites}, False)"
    else:
        wait = f"{res} = yield {res}"
    self.emit(fn, f"if type({res}) in PENDING_TYPES: {wait}", spine[i])


def late_head(
    self: Compiler, fn: _Fn, cur: str, f: nodes.Node, spine: list[nodes.Apply], args: list[str]
) -> str:
    """Emit the head of `f a b ...` ending a thunk: taken if evaluated, else the
    whole application is left to `r_apply_late`; returns the head's operand."""
    if cur in fn.known:
        return cur
    sites = self.const((self.span(f.start, f.end), *(self.span(a.start, a.end) for a in spine)))
    self.emit(fn, f"if type({cur}) is Thunk:", f)
    fn.indent += 1
    late = f"r_apply_late({cur}, ({', '.join(args)},), {sites}, True)"
    self.emit(fn, f"if {cur}.code is not None: return {late}", f)
    self.emit(fn, f"{cur} = {cur}.value", f)
    fn.indent -= 1
    return cur


def head_ref(self: Compiler, fn: _Fn, node: nodes.Node) -> str | None:
    """The unforced function of `f x` ending a thunk's body, when `f` is a variable.

    The loop forces it as it dispatches the call (a thunk as ``Call.fn``), so
    a thunk that waits for nothing else is a plain function, not a generator
    frame; ``None`` for other functions (forced here, as values). Only in
    thunks: only the loop runs their code, and it keeps the returned call for
    the trace. A lambda body is also started by generated code and builtins,
    which take a returned call as a request and would lose the lambda's own
    trace entry ("while calling 'f'").
    """
    if type(node) is not nodes.Var or not fn.name.startswith("th") or fn.context:
        return None
    res = node.resolution  # type: ignore[attr-defined]
    if isinstance(res, LocalRef):
        return self.ref(fn, self.binding_name(res))
    if isinstance(res, GlobalRef):
        # Copied: a module-level name is never rebound in a function.
        tmp = self.temp(fn)
        self.emit(fn, f"{tmp} = {self.global_ref(res.name)}", node)
        return tmp
    return None


def speculate_select(
    self: Compiler, fn: _Fn, node: nodes.Select, avoid: Mapping[str, str] | None
) -> Step:
    """``x.a.b`` taken at once when ``x`` (and ``x.a``) are evaluated sets
    that have the attributes (no evaluation, no error possible); else a
    thunk. The attribute's value itself stays unforced."""
    if node.default is not None:
        return None
    keys: list[str] = []
    for key in node.path:
        if isinstance(key, nodes.StaticKey):
            keys.append(repr(key.name))
            continue
        # `x.${k}` with `k` a variable already forced here (or a literal).
        k = unparen(key.expr)
        lit = self.literal(k)
        if lit is not None and lit.startswith(("'", '"')):
            keys.append(lit)
            continue
        if type(k) is not nodes.Var or not isinstance(k.resolution, LocalRef):
            return None
        kpy = self.binding_name(k.resolution)
        if kpy not in fn.known or self.owner.get(kpy) is not fn:
            return None
        keys.append(kpy)
    base = unparen(node.expr)
    if type(base) is not nodes.Var or not isinstance(base.resolution, LocalRef):
        return None
    py = self.binding_name(base.resolution)
    if avoid is not None and py in avoid:
        return None
    x = self.ref(fn, py)
    thunk = self.shared_select(fn, node, None, None, False)  # shared code if static
    if thunk is None:
        child = self.new_fn("th", fn, None, node)
        yield self.tail(child, node)
        thunk = _Lazy(f"Thunk({self.fnref(fn, child)})", child)
    out = self.temp(fn)
    if len(keys) == 1 and keys[0].startswith(("'", '"')):
        key0 = keys[0]
        base_ = x
        if x not in fn.known:
            # `r_peek` inline for one attribute (a call less per selection).
            base_ = out
            self.emit(
                fn,
                f"{out} = ({x}.value if {x}.code is None else MISSING)"
                f" if type({x}) is Thunk else {x}",
                node,
            )
        get = f"dict.get({base_}, {key0}, MISSING)"
        self.emit(fn, f"{out} = {get} if type({base_}) is Attrs else MISSING", node)
    else:
        self.emit(fn, f"{out} = r_peek({x}, ({', '.join(keys)},))", node)
    self.emit(fn, f"if {out} is MISSING: {out} = {thunk.expr}", node)
    return out


def speculate(self: Compiler, fn: _Fn, node: nodes.Binary, avoid: Mapping[str, str] | None) -> Step:
    """Integer arithmetic or comparison computed at once when it is safe."""
    if node.op not in ("+", "-", "*", "<", "<=", ">", ">=", "==", "!="):
        return None
    operands: list[str] = []
    checks: list[str] = []
    for operand in (node.left, node.right):
        side = unparen(operand)
        if type(side) is nodes.Int:
            operands.append(repr(side.value))
            continue
        if type(side) is nodes.Var and isinstance(side.resolution, LocalRef):
            py = self.binding_name(side.resolution)
            if avoid is not None and py in avoid:
                return None
            name = self.ref(fn, py)
            operands.append(name)
            checks.append(f"type({name}) is int")
            continue
        return None
    if not checks:
        return None
    child = self.new_fn("th", fn, None, node)
    yield self.tail(child, node)
    out = self.temp(fn)
    a, b = operands
    self.emit(fn, f"if {' and '.join(checks)}:", node)
    fn.indent += 1
    self.emit(fn, f"{out} = {a} {node.op} {b}", node)
    if node.op in ("+", "-", "*"):
        site = self.site_of_operator(node)
        check = f"if not {_IMIN} <= {out} <= {_IMAX}: r_overflow({node.op!r}, {a}, {b}, {site})"
        self.emit(fn, check, node)
    fn.indent -= 1
    self.emit(fn, f"else: {out} = Thunk({self.fnref(fn, child)})", node)
    return out


def shared_call(
    self: Compiler,
    fn: _Fn,
    node: nodes.Apply,
    name: str | None,
    at: tuple[int, int] | None,
    traced: bool,
    limit: int,
) -> Step:
    """A thunk `f x` or `v.a.f x` (``f``, ``v`` variables, static names) with
    shared code, or None: the code returns the call for the loop to make in
    the thunk's place, as the generated body `return Call(f, x, site)` did
    (see :func:`head_ref`), a selection forced first as the body forced it.

    The argument is made with the thunk (the body made it when run: the same
    value, a thunk being evaluated once); arguments that the body would have
    speculated (arithmetic, selections) keep generated code, and so do
    lambdas longer than ``limit`` (compiled with the thunk otherwise).
    ``name``, ``at``, ``traced``: see :func:`~.codegen_sets.shared_select`.
    """
    head = unparen(node.fn)
    arg = unparen(node.arg)
    if type(arg) in (nodes.Binary, nodes.Select) or self.share_depth >= MAX_SHARE_DEPTH:
        return None
    if type(arg) is nodes.Lambda and arg.end - arg.start > limit:
        return None
    path: tuple[str, ...] = ()
    if type(head) is nodes.Select:
        path = _static_path(head)
        if not path:
            return None
        base = unparen(head.expr)
    else:
        base = head
    if type(base) is not nodes.Var:
        return None
    res = base.resolution
    if isinstance(res, LocalRef):
        f = self.ref(fn, self.binding_name(res))
    elif isinstance(res, GlobalRef):
        f = self.global_ref(res.name)
    else:
        return None
    self.share_depth += 1
    if type(arg) is nodes.Lambda:
        x = yield self.lambda_(fn, arg, None)
    else:
        x = yield self.lazy_expr(fn, arg)
    self.share_depth -= 1
    site = self.span(node.start, node.end)
    own = self.span(*at) if at is not None else site
    attr = traced and name is not None
    if path:
        # `lib.f x`: the selection is done (and forced) by the shared code.
        info: tuple[object, ...] = (path, self.span(base.start, base.end))
        info += (self.span(head.start, head.end), site)
        if attr:
            info += (name, own)
        helper = "r_call_sel_attr" if attr else "r_call_sel"
        return shared_of(f"partial({helper}, {f}, {x}, {self.const(info)})")
    if attr:
        return shared_of(f"partial(r_call_attr, {f}, {x}, {self.const((site, name, own))})")
    return shared_of(f"partial(r_call, {f}, {x}, {self.const(site)})")


def _static_path(node: nodes.Select) -> tuple[str, ...]:
    """The names of a selection without default, if all are static (else ())."""
    if node.default is not None:
        return ()
    names: list[str] = []
    for key in node.path:
        if type(key) is not nodes.StaticKey:
            return ()
        names.append(key.name)
    return tuple(names)
