"""Code generation: a resolved syntax tree to Python generator functions.

Every Nix function body, thunk body and the file's root expression becomes
one *module-level* Python generator function (lambda lifting): the
variables it uses from enclosing scopes are passed as leading parameters
(``functools.partial`` at creation), so generated code never nests
``def``s and Python's indentation and nesting limits are not reached by
deep Nix nesting. CPython runs the arithmetic, comparisons and attribute
access; only forcing a thunk and calling a function go through the loop
(``yield thunk`` / ``yield Call(f, x)``; see :mod:`evaluator.vm.values`).

What the compiler removes from run time:

- names are resolved statically (:mod:`evaluator.compiler.scope`) to Python
  locals; ``with`` lookups are the only dynamic ones;
- literals and variables need no thunk; a variable forced once in a body is
  rebound to its value, so later uses cost nothing;
- in argument position, arithmetic on integer variables is computed at once
  when the operands are already integers (it cannot fail or diverge), and
  lambdas become closures directly;
- results in tail position are returned unforced (thunks, calls) so the
  loop runs them in place of the finished frame.

Each generated line records the Nix span it evaluates; the loop reads these
through :mod:`evaluator.vm.frames` to locate errors with no run-time cost.
The compiler itself walks the tree with generator methods driven by an
explicit stack, so deep trees do not grow the Python stack either.
"""

from __future__ import annotations

import math
import os
import re
import threading
import warnings
from collections.abc import Callable, Generator, Mapping
from dataclasses import dataclass, field
from functools import partial
from types import CodeType, GeneratorType
from typing import Any

from evaluator.compiler.bindings import (
    DynamicEntry,
    InheritEntry,
    InheritSource,
    MergedAttrs,
    NestedEntry,
    ValueEntry,
    unparen,
)
from evaluator.compiler.captures import Captures
from evaluator.compiler.codegen_show import show
from evaluator.compiler.model import GlobalRef, LocalRef, ScopeKind, WithRef
from evaluator.compiler.scope import Resolved
from evaluator.syntax import nodes
from evaluator.vm import frames, ops, runtime
from evaluator.vm.errors import NixError
from evaluator.vm.frames import CodeInfo, SourceText
from evaluator.vm.loop import charge
from evaluator.vm.values import Attrs, Call, Closure, NixList, NixPath, PrimOp, Thunk

# Deepest `if` nesting inside one generated function before a subexpression
# is moved to a helper function (Python allows 100 indentation levels).
MAX_INDENT = 40

# A compile step: a generator that yields sub-steps and returns a result.
Step = Generator["Step", Any, Any]


_SIMPLE_TYPES = frozenset({int, str, bool, type(None), float})

# 64-bit bounds as literals in generated code (constants load faster than globals).
_IMIN = ops.INT_MIN
_IMAX = ops.INT_MAX

# Names generated code reads from its module globals.
BASE_GLOBALS: dict[str, Any] = {
    "Thunk": Thunk,
    "Call": Call,
    "Closure": Closure,
    "PrimOp": PrimOp,
    "Attrs": Attrs,
    "NixList": NixList,
    "NixPath": NixPath,
    "partial": runtime.partial,
    "MISSING": runtime.MISSING,
    "PENDING": runtime.PENDING,
    "SLOW": runtime.SLOW,
    "SIMPLE": _SIMPLE_TYPES,
    # What a call may give back that still needs the loop.
    "PENDING_TYPES": frozenset({GeneratorType, Thunk, Call}),
    "IMIN": ops.INT_MIN,
    "IMAX": ops.INT_MAX,
    "r_wrap": runtime.wrap,
    "r_bool_error": runtime.bool_error,
    "r_select_error": runtime.select_error,
    "r_name_error": runtime.name_error,
    "r_undefined": runtime.undefined,
    "r_assert_failed": runtime.assert_failed,
    "r_syntax_error": runtime.syntax_error,
    "r_negate": runtime.negate,
    "r_update": runtime.update,
    "r_concat_lists": runtime.concat_lists,
    "r_make_list": runtime.make_list,
    "r_check_formals": runtime.check_formals,
    "r_missing_argument": runtime.missing_argument,
    "r_set_dynamic": runtime.set_dynamic,
    "r_with_get": runtime.with_get,
    "r_with_lookup": runtime.with_lookup,
    "r_type_error": ops.type_error,
    "r_attr_name": runtime.attr_name,
    "r_scope_get": runtime.scope_get,
    "r_overrides": runtime.apply_overrides,
    "r_const": runtime.const_frame,
    "r_peek": runtime.peek,
    "r_charge": charge,
    "o_add": ops.add,
    "o_sub": ops.sub_values,
    "o_mul": ops.mul_values,
    "o_div": ops.div_values,
    "o_lt": ops.less_than,
    "o_equal": ops.equal,
    "o_concat_strings": ops.concat_strings,
    "o_interpolate_path": ops.interpolate_path,
}


# A thunk whose Nix source is longer than this (bytes) is compiled, to
# Python source and then to bytecode, only when first forced: one
# evaluation uses a small part of a big file (nixpkgs' lib, for one).
DEFER_BYTES = 400
# Lines of a generated function after which arithmetic is one call per operator.
COMPACT_AFTER = 2000


@dataclass
class Unit:
    """Generated functions compiled together: a root and its descendants,
    except nested deferred thunks (``deferred``: their roots). Shared by
    every evaluation of the file; ``consts`` and ``globals`` are the module
    names its code needs besides :data:`BASE_GLOBALS`."""

    root: str
    python: str
    line_spans: dict[int, tuple[Any, int, int]]
    infos: dict[str, tuple[str | None, tuple[Any, int, int]]]
    deferred: list[str]
    consts: dict[str, Any]
    globals: dict[str, str]
    code: CodeType | None = None

    def compiled(self, filename: str) -> CodeType:
        """The unit's module code (compiled once; its functions registered)."""
        code = self.code
        if code is None:
            with warnings.catch_warnings():
                # e.g. `1["a"]` in code for `(1).a or 2`: unreachable, but CPython warns.
                warnings.simplefilter("ignore", SyntaxWarning)
                try:
                    code = compile(self.python, filename, "exec")
                except (SyntaxError, RecursionError, MemoryError) as exc:
                    # Python's own limits (nesting, size) on the generated code.
                    root = self.infos.get(self.root)
                    raise NixError(
                        "expression nested too deeply", root[1] if root else None
                    ) from exc
            for const in code.co_consts:
                if isinstance(const, CodeType):
                    info = self.infos.get(const.co_name)
                    if info is not None:
                        frames.register(const, CodeInfo(info[0], info[1], self.line_spans))
            self.code = code
        return code


class CompiledFile:
    """A file compiled to Python: the unit of `main` at once, deferred
    thunks (see :data:`DEFER_BYTES`) when an evaluation first needs them."""

    def __init__(self, compiler: Compiler, main: Unit, filename: str) -> None:
        self.source = compiler.source
        self.filename = filename
        self.main = main
        self._compiler = compiler
        self._units: dict[str, Unit] = {main.root: main}
        self._lock = threading.Lock()

    def unit(self, root: str) -> Unit:
        """The unit rooted at deferred thunk ``root`` (generated on first use)."""
        found = self._units.get(root)
        if found is None:
            with self._lock:
                found = self._units.get(root)
                if found is None:
                    found = self._compiler.compile_deferred(root)
                    self._units[root] = found
        return found

    @property
    def python(self) -> str:
        """The generated source so far (for debugging)."""
        return "\n".join(u.python for u in self._units.values())


def instantiate(
    compiled: CompiledFile, builtins: Mapping[str, Any], scope: Mapping[str, Any] | None = None
) -> Callable[[], Any]:
    """The root frame factory of ``compiled``, bound to ``builtins``.

    ``builtins`` maps global names (``map``, ``__typeOf``, ``builtins``...)
    to values, as visible without `builtins.` in this evaluation. ``scope``
    supplies names no scope of a file compiled with ``scoped`` defines
    (`scopedImport`).
    """
    g: dict[str, Any] = dict(BASE_GLOBALS)
    g["SCOPE"] = scope if scope is not None else {}
    loader = _Loader(compiled, g, builtins)
    loader.load(compiled.main)
    main: Callable[[], Any] = g["main"]
    return main


class _Loader:
    """Runs units of one file into one evaluation's module namespace."""

    def __init__(
        self, compiled: CompiledFile, g: dict[str, Any], builtins: Mapping[str, Any]
    ) -> None:
        self.compiled = compiled
        self.g = g
        self.builtins = builtins

    def load(self, unit: Unit) -> None:
        g = self.g
        g.update(unit.consts)
        for pyname, name in unit.globals.items():
            if name in self.builtins:
                g[pyname] = self.builtins[name]
            else:
                g[pyname] = Thunk(partial(_undefined_global, name))
        for root in unit.deferred:
            g[root] = self.stub(root)
        exec(unit.compiled(self.compiled.filename), g)

    def stub(self, root: str) -> Callable[..., Any]:
        """A stand-in for a deferred thunk's code: loads its unit on first call."""
        g = self.g

        def stub(*args: Any) -> Any:
            fn = g[root]
            if fn is stub:
                self.load(self.compiled.unit(root))
                fn = g[root]
            return fn(*args)

        return stub


def _undefined_global(name: str) -> Any:
    raise runtime.undefined(name)
    yield


class _Fn:
    """One generated Python function being written."""

    def __init__(self, name: str, parent: _Fn | None, descr: str | None, node: nodes.Node):
        self.name = name
        self.parent = parent
        self.descr = descr
        self.node = node
        self.params: list[str] = []
        self.captures: dict[str, None] = {}
        self.lines: list[tuple[int, str, tuple[int, int] | None]] = []
        self.indent = 1
        self.known: set[str] = set()
        # For a thunk compiled later: its body and the name given to a lambda body.
        self.deferred: tuple[nodes.Node, str | None] | None = None


@dataclass
class _Lazy:
    """A lazily evaluated operand: ``expr`` is a Python expression; for a
    thunk, ``child`` is its body function (so it can be created late)."""

    expr: str
    child: _Fn | None = None
    deps: tuple[str, ...] = field(default=())


_SIMPLE_OPERAND = re.compile(r"[A-Za-z_][A-Za-z0-9_]*|-?[0-9.e+-]+|'[^'\\]*'|\"[^\"\\]*\"")


def _simple_operand(expr: str) -> bool:
    """Whether ``expr`` is a name or literal (cheap and safe to repeat)."""
    return _SIMPLE_OPERAND.fullmatch(expr) is not None


def _drive(step: Step) -> Any:
    """Run a compile step and its sub-steps with an explicit stack."""
    stack: list[Step] = []
    value: Any = None
    while True:
        try:
            sub = step.send(value)
        except StopIteration as stop:
            if not stack:
                return stop.value
            step = stack.pop()
            value = stop.value
            continue
        stack.append(step)
        step = sub
        value = None


class Compiler:
    """Compiles one file; see :func:`compile_tree`."""

    def __init__(self, resolved: Resolved, source: SourceText, base_dir: str, scoped: bool = False):
        self.resolved = resolved
        self.scoped = scoped
        # Temporaries that always hold a Boolean (no check needed).
        self.bools: set[str] = set()
        # Deferred thunk functions by name; Vars by position (for captures).
        self.deferred: dict[str, _Fn] = {}
        self._captures: Captures | None = None
        self.span_cache: dict[tuple[int, int], tuple[Any, int, int]] = {}
        self.root_node: nodes.Node = nodes.Error(0, 0)
        self.source = source
        self.base_dir = base_dir
        self.fns: list[_Fn] = []
        self.names: dict[tuple[int, str], str] = {}
        self.owner: dict[str, _Fn] = {}
        self.consts: dict[str, Any] = {}
        self.const_ids: dict[Any, str] = {}
        self.globals_used: dict[str, str] = {}
        self.global_names: dict[str, str] = {}
        self.counter = 0
        self._line_starts: list[int] | None = None

    # ------------------------------------------------------------ naming

    def fresh(self, prefix: str) -> str:
        self.counter += 1
        return f"{prefix}{self.counter}"

    def var_name(self, scope_node: object, name: str) -> str:
        key = (id(scope_node), name)
        found = self.names.get(key)
        if found is None:
            # Short names: generated source size is what Python's compile() pays for.
            found = self.fresh("v")
            self.names[key] = found
        return found

    def const(self, value: Any, key: Any = None) -> str:
        """A module constant holding ``value`` (shared, never mutated)."""
        if key is not None and key in self.const_ids:
            return self.const_ids[key]
        name = self.fresh("K")
        self.consts[name] = value
        if key is not None:
            self.const_ids[key] = name
        return name

    def global_name(self, name: str) -> str:
        found = self.global_names.get(name)
        if found is None:
            found = self.fresh("G")
            self.global_names[name] = found
            self.globals_used[found] = name
        return found

    def span(self, start: int, end: int) -> tuple[Any, int, int]:
        return (self.source, start, end)

    def line_col(self, offset: int) -> tuple[int, int]:
        return self.source.line_col(offset)

    def where(self, offset: int) -> str:
        """``file:line:col`` as Nix prints positions in messages."""
        line, col = self.line_col(offset)
        return f"{self.source.message_name}:{line}:{col}"

    def position(self, offset: int) -> tuple[str, int, int]:
        line, col = self.line_col(offset)
        return (self.source.pos_file, line, col)

    # ------------------------------------------------------------ functions

    def new_fn(self, prefix: str, parent: _Fn | None, descr: str | None, node: nodes.Node) -> _Fn:
        fn = _Fn(self.fresh(prefix), parent, descr, node)
        self.fns.append(fn)
        return fn

    def emit(self, fn: _Fn, text: str, node: nodes.Node | None = None) -> None:
        fn.lines.append((fn.indent, text, (node.start, node.end) if node is not None else None))

    def ref(self, fn: _Fn, pyname: str) -> str:
        """Use variable ``pyname`` in ``fn`` (capturing it if defined outside)."""
        if self.owner.get(pyname) is not fn:
            fn.captures[pyname] = None
        return pyname

    def define(self, fn: _Fn, pyname: str) -> None:
        self.owner[pyname] = fn

    def fnref(self, fn: _Fn, child: _Fn) -> str:
        """Expression for ``child`` bound to its captured variables, in ``fn``."""
        caps = [self.ref(fn, p) for p in child.captures]
        if not caps:
            return child.name
        return f"partial({child.name}, {', '.join(caps)})"

    def force_var(self, fn: _Fn, pyname: str, node: nodes.Node) -> str:
        """Emit forcing of a variable (once per path); rebinds it to its value."""
        if pyname not in fn.known:
            self.emit(
                fn,
                f"if type({pyname}) is Thunk: {pyname} = {pyname}.value"
                f" if {pyname}.code is None else (yield {pyname})",
                node,
            )
            fn.known.add(pyname)
        return pyname

    def temp(self, fn: _Fn) -> str:
        return self.fresh("t")

    # ------------------------------------------------------------ entry

    def compile_root(self, root: nodes.Node) -> Unit:
        """Compile the file's root expression; returns the `main` unit."""
        self.root_node = root
        marks = self._marks()
        main = self.new_fn("main", None, None, root)
        main.name = "main"
        _drive(self.tail(main, root))
        if main.captures:
            raise AssertionError(f"root captures {list(main.captures)}")
        return self._unit(main, marks)

    def compile_deferred(self, name: str) -> Unit:
        """Compile a thunk whose compilation was deferred; returns its unit."""
        fn = self.deferred[name]
        assert fn.deferred is not None
        node, lambda_name = fn.deferred
        expected = set(fn.captures)
        marks = self._marks()
        if type(node) is nodes.Lambda and lambda_name is not None:
            expr = _drive(self.lambda_(fn, node, lambda_name))
            self.emit(fn, f"return {expr}", node)
        else:
            _drive(self.tail(fn, node))
        if set(fn.captures) != expected:
            raise AssertionError(f"deferred {name}: captures {list(fn.captures)} != {expected}")
        return self._unit(fn, marks)

    def _marks(self) -> tuple[int, int, int]:
        return len(self.fns), len(self.consts), len(self.globals_used)

    def _unit(self, root: _Fn, marks: tuple[int, int, int]) -> Unit:
        """The unit of ``root`` and the functions created since ``marks``."""
        n_fns, n_consts, n_globals = marks
        new = self.fns[n_fns:]
        members = [root] if root not in new else []
        members += [f for f in new if f.deferred is None]
        deferred = [f.name for f in new if f.deferred is not None]
        consts = dict(list(self.consts.items())[n_consts:])
        globals_ = dict(list(self.globals_used.items())[n_globals:])
        return self.render(root.name, members, deferred, consts, globals_)

    def free_vars(self, node: nodes.Node) -> list[str]:
        """Variables the code of a subtree reads from outside it (its captures)."""
        if self._captures is None:
            self._captures = Captures(
                self.resolved,
                self.source.text,
                self.binding_name,
                lambda w: self.var_name(w, "<with>"),
                self.lexical_ref,
            )
        return self._captures.free_vars(node)

    def render(
        self,
        root: str,
        fns: list[_Fn],
        deferred: list[str],
        consts: dict[str, Any],
        globals_: dict[str, str],
    ) -> Unit:
        """Python source of some generated functions, with their line spans."""
        out: list[str] = []
        line_spans: dict[int, tuple[Any, int, int]] = {}
        infos: dict[str, tuple[str | None, tuple[Any, int, int]]] = {}
        spans = self.span_cache

        def span_of(se: tuple[int, int]) -> tuple[Any, int, int]:
            s = spans.get(se)
            if s is None:
                s = spans[se] = self.span(*se)
            return s

        for fn in fns:
            params = [*fn.captures, *fn.params]
            out.append(f"def {fn.name}({', '.join(params)}):")
            fn_span = span_of((fn.node.start, fn.node.end))
            line_spans[len(out)] = fn_span
            infos[fn.name] = (fn.descr, fn_span)
            plain = True
            for indent, text, se in fn.lines:
                out.append("    " * indent + text)
                if se is not None:
                    line_spans[len(out)] = span_of(se)
                if plain and "yield" in text:
                    plain = False
            if not plain:
                # A generator function even when every path returns early.
                out.append("    yield")
            # else: a plain function (its body never waits for the loop): the
            # loop takes its result at once, without a generator frame.
            out.append("")
        return Unit(root, "\n".join(out) + "\n", line_spans, infos, deferred, consts, globals_)

    # ------------------------------------------------------------ modes

    def tail(self, fn: _Fn, node: nodes.Node) -> Step:
        """Emit code returning the value of ``node`` (possibly unforced)."""
        while True:
            t = type(node)
            if t is nodes.Paren:
                node = node.expr  # type: ignore[attr-defined]
                continue
            if fn.indent > MAX_INDENT:
                helper = yield self.helper(fn, node)
                self.emit(fn, f"return {helper}", node)
                return None
            if t is nodes.If:
                n_if: nodes.If = node  # type: ignore[assignment]
                cond = yield self.value(fn, n_if.cond)
                self.check_bool(fn, cond, n_if.cond)
                self.emit(fn, f"if {cond}:", n_if)
                saved = set(fn.known)
                fn.indent += 1
                yield self.tail(fn, n_if.then)
                fn.indent -= 1
                fn.known = saved
                node = n_if.else_
                continue
            if t is nodes.Let:
                n_let: nodes.Let = node  # type: ignore[assignment]
                yield self.group(fn, self.resolved.bindings[n_let], n_let)
                node = n_let.body
                continue
            if t is nodes.With:
                n_with: nodes.With = node  # type: ignore[assignment]
                yield self.with_scope(fn, n_with)
                node = n_with.body
                continue
            if t is nodes.Assert:
                n_as: nodes.Assert = node  # type: ignore[assignment]
                yield self.assertion(fn, n_as)
                node = n_as.body
                continue
            if t is nodes.Apply:
                yield self.apply(fn, node, tail=True)  # type: ignore[arg-type]
                return None
            if t is nodes.Var:
                var: nodes.Var = node  # type: ignore[assignment]
                res = var.resolution
                if isinstance(res, LocalRef):
                    name = self.ref(fn, self.binding_name(res))
                    self.emit(fn, f"return {name}", node)
                    return None
            if t is nodes.Select and node.default is None:  # type: ignore[attr-defined]
                yield self.select(fn, node, tail=True)  # type: ignore[arg-type]
                return None
            if t is nodes.LegacyLet:
                body = yield self.legacy_let(fn, node)  # type: ignore[arg-type]
                self.emit(fn, f"return {body}", node)
                return None
            result = yield self.value(fn, node)
            self.emit(fn, f"return {result}", node)
            return None

    def helper(self, fn: _Fn, node: nodes.Node) -> Step:
        """Move ``node`` to a helper function; returns the call expression."""
        child = self.new_fn("h", fn, None, node)
        yield self.tail(child, node)
        return f"{self.fnref(fn, child)}()" if child.captures else f"{child.name}()"

    def value(self, fn: _Fn, node: nodes.Node) -> Step:
        """Emit code computing the forced value of ``node``; returns an operand."""
        while type(node) is nodes.Paren:
            node = node.expr  # type: ignore[attr-defined]
        t = type(node)
        lit = self.literal(node)
        if lit is not None:
            return lit
        if fn.indent > MAX_INDENT and t not in (nodes.Var, nodes.Select, nodes.Apply):
            helper = yield self.helper(fn, node)
            out = self.temp(fn)
            self.emit(fn, f"{out} = yield {helper}", node)
            fn.known.add(out)
            return out
        method = self._value_methods.get(t)
        if method is None:
            raise AssertionError(f"cannot compile {t.__name__}")
        result = yield method(self, fn, node)
        return result

    def lazy(
        self,
        fn: _Fn,
        node: nodes.Node,
        arg: bool = False,
        name: str | None = None,
        avoid: Mapping[str, str] | None = None,
    ) -> Step:
        """An operand for ``node`` without forcing it: a value, a variable or
        a new thunk. Returns a :class:`_Lazy`.

        ``arg``: a function argument: closures are made at once, and integer
        arithmetic and selections from evaluated sets are done at once when
        that cannot fail or run code. ``avoid``: a `let` binding: those
        speculations too, except on the names being bound (``avoid``).
        """
        while type(node) is nodes.Paren:
            node = node.expr  # type: ignore[attr-defined]
        t = type(node)
        lit = self.literal(node)
        if lit is not None:
            return _Lazy(lit)
        if t is nodes.Var:
            res = node.resolution  # type: ignore[attr-defined]
            if isinstance(res, LocalRef):
                pyname = self.binding_name(res)
                return _Lazy(self.ref(fn, pyname), deps=(pyname,))
            if isinstance(res, GlobalRef):
                return _Lazy(self.global_ref(res.name))
        if arg and t is nodes.Lambda:
            expr = yield self.lambda_(fn, node, name)  # type: ignore[arg-type]
            return _Lazy(expr)
        if arg or avoid is not None:
            spec = None
            if t is nodes.Binary:
                spec = yield self.speculate(fn, node, avoid)  # type: ignore[arg-type]
            elif t is nodes.Select:
                spec = yield self.speculate_select(fn, node, avoid)  # type: ignore[arg-type]
            if spec is not None:
                return _Lazy(spec)
        descr = f"while evaluating the attribute '{name}'" if name is not None else None
        child = self.new_fn("th", fn, descr, node)
        if node.end - node.start > DEFER_BYTES:
            # Compiled when first forced; its captures are known from the tree.
            child.deferred = (node, name)
            for p in self.free_vars(node):
                child.captures[p] = None
            self.deferred[child.name] = child
            return _Lazy(f"Thunk({self.fnref(fn, child)})", child)
        if t is nodes.Lambda and name is not None:
            # Nix names a function after the attribute it is bound to.
            expr = yield self.lambda_(child, node, name)  # type: ignore[arg-type]
            self.emit(child, f"return {expr}", node)
        else:
            yield self.tail(child, node)
        return _Lazy(f"Thunk({self.fnref(fn, child)})", child)

    def lazy_expr(self, fn: _Fn, node: nodes.Node, arg: bool = False) -> Step:
        """Like :meth:`lazy`, returning just the expression."""
        op = yield self.lazy(fn, node, arg)
        return op.expr

    def literal(self, node: nodes.Node) -> str | None:
        """Python source for a constant node, or None."""
        t = type(node)
        if t is nodes.Int:
            return repr(node.value)  # type: ignore[attr-defined]
        if t is nodes.Float:
            v = node.value  # type: ignore[attr-defined]
            return repr(v) if math.isfinite(v) else f"float('{v}')"
        if t is nodes.Str:
            parts = node.parts  # type: ignore[attr-defined]
            if all(isinstance(p, str) for p in parts):
                return repr("".join(parts))
            return None
        if t is nodes.Uri:
            return repr(node.value)  # type: ignore[attr-defined]
        if t is nodes.Path:
            parts = node.parts  # type: ignore[attr-defined]
            if all(isinstance(p, str) for p in parts):
                path = ops.canon_path(self.path_prefix("".join(parts)))
                return self.const(NixPath(path), ("path", path))
            return None
        if t is nodes.Var:
            res = node.resolution  # type: ignore[attr-defined]
            if isinstance(res, GlobalRef):
                if res.name == "true":
                    return "True"
                if res.name == "false":
                    return "False"
                if res.name == "null":
                    return "None"
        return None

    def path_prefix(self, text: str) -> str:
        if text.startswith("/"):
            return text
        if text.startswith("~"):
            return os.environ.get("HOME", "") + text[1:]
        return self.base_dir.rstrip("/") + "/" + text

    def binding_name(self, res: LocalRef) -> str:
        b = res.binding
        return self.var_name(b.scope.node, b.name)

    def global_ref(self, name: str) -> str:
        if name == "true":
            return "True"
        if name == "false":
            return "False"
        if name == "null":
            return "None"
        return self.global_name(name)

    def check_bool(self, fn: _Fn, operand: str, node: nodes.Node) -> None:
        if operand in ("True", "False") or operand in self.bools:
            return
        self.emit(fn, f"if type({operand}) is not bool: raise r_bool_error({operand})", node)

    # ------------------------------------------------------------ expressions

    def c_var(self, fn: _Fn, node: nodes.Var) -> Step:
        res = node.resolution
        if isinstance(res, LocalRef):
            return self.force_var(fn, self.ref(fn, self.binding_name(res)), node)
        if isinstance(res, GlobalRef):
            g = self.global_ref(res.name)
            out = self.temp(fn)
            self.emit(fn, f"{out} = {g}", node)
            self.emit(
                fn,
                f"if type({out}) is Thunk: {out} = {out}.value"
                f" if {out}.code is None else (yield {out})",
                node,
            )
            return out
        if isinstance(res, WithRef):
            out = yield self.with_var(fn, node, res)
            self.emit(
                fn,
                f"if type({out}) is Thunk: {out} = {out}.value"
                f" if {out}.code is None else (yield {out})",
                node,
            )
            return out
        out = self.temp(fn)
        if self.scoped:
            self.emit(fn, f"{out} = r_scope_get(SCOPE, {node.name!r})", node)
            self.emit(
                fn,
                f"if type({out}) is Thunk: {out} = {out}.value"
                f" if {out}.code is None else (yield {out})",
                node,
            )
            return out
        self.emit(fn, f"raise r_undefined({node.name!r})", node)
        return "None"
        yield

    def with_var(self, fn: _Fn, node: nodes.Var, res: WithRef) -> Step:
        """Look a name up through the `with` scopes (result unforced)."""
        envs = [self.ref(fn, self.var_name(w.node, "<with>")) for w in res.withs]
        tup = f"({', '.join(envs)},)"
        out = self.temp(fn)
        self.emit(fn, f"{out} = r_with_get({node.name!r}, {tup})", node)
        self.emit(
            fn, f"if {out} is SLOW: {out} = yield from r_with_lookup({node.name!r}, {tup})", node
        )
        return out
        yield

    def c_str(self, fn: _Fn, node: nodes.Str) -> Step:
        parts: list[str] = []
        checks: list[str] = []
        for p in node.parts:
            if isinstance(p, str):
                parts.append(repr(p))
            else:
                op = yield self.value(fn, p)
                parts.append(op)
                checks.append(f"type({op}) is str")
        out = self.temp(fn)
        if checks:
            self.emit(
                fn, f"if {' and '.join(checks)}: {out} = ''.join(({', '.join(parts)},))", node
            )
            self.emit(fn, f"else: {out} = yield from o_concat_strings([{', '.join(parts)}])", node)
            self.emit(fn, f"if len({out}) > 4096: r_charge(len({out}))", node)
        else:
            self.emit(fn, f"{out} = ''.join(({', '.join(parts)},))", node)
        return out

    def c_path(self, fn: _Fn, node: nodes.Path) -> Step:
        parts: list[str] = []
        for i, p in enumerate(node.parts):
            if isinstance(p, str):
                parts.append(repr(self.path_prefix(p) if i == 0 else p))
            else:
                parts.append((yield self.value(fn, p)))
        out = self.temp(fn)
        self.emit(fn, f"{out} = yield from o_interpolate_path([{', '.join(parts)}])", node)
        return out

    def lexical_ref(self, name: str, offset: int) -> LocalRef | GlobalRef:
        """What ``name`` means at ``offset`` lexically (`with` aside): the
        innermost let/rec/function binding it, else the global."""
        resolved = self.resolved
        found: LocalRef | GlobalRef = GlobalRef(name)
        # Scopes are in pre-order, so a later enclosing scope is an inner one.
        for scope, (start, end) in zip(resolved.scopes, resolved.regions, strict=True):
            if start <= offset < end and scope.kind is not ScopeKind.WITH:
                binding = scope.bindings.get(name)
                if binding is not None:
                    found = LocalRef(binding)
        return found

    def search_ref(self, fn: _Fn, res: object, node: nodes.Node) -> str:
        if isinstance(res, LocalRef):
            return self.force_var(fn, self.ref(fn, self.binding_name(res)), node)
        assert isinstance(res, GlobalRef)
        return self.global_ref(res.name)

    def c_search_path(self, fn: _Fn, node: nodes.SearchPath) -> Step:
        find_res = self.lexical_ref("__findFile", node.start)
        path_res = self.lexical_ref("__nixPath", node.start)
        find = self.search_ref(fn, find_res, node)
        nix_path = self.search_ref(fn, path_res, node)
        out = self.temp(fn)
        self.emit(fn, f"{out} = yield Call({find}, {nix_path})", node)
        self.emit(fn, f"{out} = yield Call({out}, {node.path!r})", node)
        return out
        yield

    def c_cur_pos(self, fn: _Fn, node: nodes.CurPos) -> Step:
        file, line, col = self.position(node.start)
        attrs = self.const(Attrs(file=file, line=line, column=col))
        out = self.temp(fn)
        # A new set each time, as in Nix (the printer marks shared sets).
        self.emit(fn, f"{out} = Attrs({attrs})", node)
        return out
        yield

    def c_error(self, fn: _Fn, node: nodes.Error) -> Step:
        self.emit(fn, f"raise r_syntax_error({node.message!r})", node)
        return "None"
        yield

    def c_lambda(self, fn: _Fn, node: nodes.Lambda) -> Step:
        expr = yield self.lambda_(fn, node, None)
        out = self.temp(fn)
        self.emit(fn, f"{out} = {expr}", node)
        return out

    def lambda_(self, fn: _Fn, node: nodes.Lambda, name: str | None) -> Step:
        """Compile a lambda; returns the expression creating its closure."""
        where = self.where(node.start)
        who = f"'{name}' at {where}" if name else f"anonymous function at {where}"
        descr = f"while evaluating '{name}'" if name else "while evaluating anonymous function"
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
            for formal in unique:
                fname = formal.name.name
                fp = names[fname]
                self.emit(child, f"{fp} = {arg}.get({fname!r}, MISSING)", formal)
                if formal.default is None:
                    self.emit(
                        child,
                        f"if {fp} is MISSING: raise r_missing_argument({fname!r}, {who!r})",
                    )
                    continue
                op = yield self.lazy(child, formal.default)
                flag = self.fresh("m")
                self.emit(child, f"{flag} = {fp} is MISSING", formal)
                if op.child is None and not op.deps:
                    self.emit(child, f"if {flag}: {fp} = {op.expr}", formal)
                else:
                    self.emit(child, f"if {flag}: {fp} = Thunk(PENDING)", formal)
                    defaults.append((fp, flag, formal, op))
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
        yield self.tail(child, node.body)
        name_src = repr(name) if name else "None"
        span = self.const(self.span(node.start, node.end))
        param = f", {node.param.name!r}" if node.param is not None else ""
        return (
            f"Closure({self.fnref(fn, child)}, {formals_const}, {ellipsis}, {name_src}, {span}"
            f"{param})"
        )

    def c_apply(self, fn: _Fn, node: nodes.Apply) -> Step:
        return (yield self.apply(fn, node, tail=False))

    def apply(self, fn: _Fn, node: nodes.Apply, tail: bool) -> Step:
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
        cur = yield self.value(fn, f)
        if not cur.isidentifier():
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
        if last > 0:
            # A builtin given all its arguments at once: run it directly
            # (no partial applications, no Call objects).
            self.emit(fn, f"if type({cur}) is PrimOp and {cur}.arity == {last + 1}:", node)
            fn.indent += 1
            call = f"{cur}.fn({', '.join(args)})"
            if tail:
                self.emit(fn, f"return {call}", node)
            else:
                self.emit(fn, f"{out} = {call}", node)
                self.emit(fn, f"if type({out}) in PENDING_TYPES: {out} = yield {out}", node)
            fn.indent -= 1
            self.emit(fn, "else:", node)
            fn.indent += 1
        for i, app in enumerate(spine):
            arg = args[i]
            # A lambda's body frame is started here (no Call object); anything
            # else (builtins, functors, errors) goes through the loop's Call.
            if tail and i == last:
                span = self.const(self.span(app.start, app.end))
                self.emit(
                    fn,
                    f"return {cur}.code({arg}) if type({cur}) is Closure"
                    f" else Call({cur}, {arg}, {span})",
                    app,
                )
                break
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
            else:
                self.emit(
                    fn,
                    f"{res} = {cur}.code({arg}) if type({cur}) is Closure else Call({cur}, {arg})",
                    app,
                )
            # Function bodies and builtins that never wait return their value
            # at once: only frames, thunks and calls go through the loop.
            self.emit(fn, f"if type({res}) in PENDING_TYPES: {res} = yield {res}", app)
            cur = res
        if last > 0:
            fn.indent -= 1
        return None if tail else out

    def speculate_select(
        self, fn: _Fn, node: nodes.Select, avoid: Mapping[str, str] | None
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
        child = self.new_fn("th", fn, None, node)
        yield self.tail(child, node)
        out = self.temp(fn)
        if len(keys) == 1 and x in fn.known and keys[0].startswith(("'", '"')):
            key0 = keys[0]
            self.emit(
                fn, f"{out} = {x}.get({key0}, MISSING) if type({x}) is Attrs else MISSING", node
            )
        else:
            self.emit(fn, f"{out} = r_peek({x}, ({', '.join(keys)},))", node)
        self.emit(fn, f"if {out} is MISSING: {out} = Thunk({self.fnref(fn, child)})", node)
        return out

    def speculate(self, fn: _Fn, node: nodes.Binary, avoid: Mapping[str, str] | None) -> Step:
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
            self.emit(fn, f"if not {_IMIN} <= {out} <= {_IMAX}: {out} = r_wrap({out})", node)
        fn.indent -= 1
        self.emit(fn, f"else: {out} = Thunk({self.fnref(fn, child)})", node)
        return out

    def c_unary(self, fn: _Fn, node: nodes.Unary) -> Step:
        a = yield self.value(fn, node.expr)
        out = self.temp(fn)
        if node.op == "!":
            self.check_bool(fn, a, node)
            self.emit(fn, f"{out} = not {a}", node)
            self.bools.add(out)
        else:
            self.emit(fn, f"if type({a}) is int and {a} != IMIN: {out} = -{a}", node)
            self.emit(fn, f"else: {out} = r_negate({a})", node)
        return out

    def c_binary(self, fn: _Fn, node: nodes.Binary) -> Step:
        op = node.op
        if op in ("&&", "||", "->"):
            return (yield self.logic(fn, node))
        a = yield self.value(fn, node.left)
        b = yield self.value(fn, node.right)
        out = self.temp(fn)
        emit = self.emit
        a_lit = type(unparen(node.left)) is nodes.Int
        b_lit = type(unparen(node.right)) is nodes.Int
        ints = " and ".join([f"type({x}) is int" for x, lit in ((a, a_lit), (b, b_lit)) if not lit])
        if op in ("+", "-", "*"):
            fast = f"{out} = {a} {op} {b}"
            slow = {
                "+": f"{out} = yield from o_add({a}, {b})",
                "-": f"{out} = o_sub({a}, {b})",
                "*": f"{out} = o_mul({a}, {b})",
            }[op]
            if ints and len(fn.lines) > COMPACT_AFTER:
                # Generated code is what Python's compile() pays for: a huge
                # function (`1 + 1 + …` 40,000 times) gets one line per operator.
                emit(fn, slow, node)
            elif ints:
                emit(fn, f"if {ints}:", node)
                fn.indent += 1
                emit(fn, fast, node)
                emit(fn, f"if not {_IMIN} <= {out} <= {_IMAX}: {out} = r_wrap({out})", node)
                fn.indent -= 1
                if op == "+":
                    emit(fn, f"elif type({a}) is str and type({b}) is str: {out} = {a} + {b}", node)
                emit(fn, f"else: {slow}", node)
                if op == "+":
                    # Long strings count against the memory budget.
                    emit(
                        fn,
                        f"if type({out}) is str and len({out}) > 4096: r_charge(len({out}))",
                        node,
                    )
            else:
                emit(fn, fast, node)
                emit(fn, f"if not {_IMIN} <= {out} <= {_IMAX}: {out} = r_wrap({out})", node)
            return out
        if op == "/":
            emit(fn, f"{out} = o_div({a}, {b})", node)
            return out
        if op in ("<", ">", "<=", ">=", "==", "!="):
            self.bools.add(out)
        if op in ("<", ">", "<=", ">="):
            x, y = (a, b) if op in ("<", ">=") else (b, a)
            neg = "not " if op in ("<=", ">=") else ""
            fast_op = {"<": "<", ">": ">", "<=": "<=", ">=": ">="}[op]
            if ints:
                emit(fn, f"if {ints}: {out} = {a} {fast_op} {b}", node)
                emit(fn, f"else: {out} = {neg}(yield from o_lt({x}, {y}))", node)
            else:
                emit(fn, f"{out} = {a} {fast_op} {b}", node)
            return out
        if op in ("==", "!="):
            eq = "==" if op == "==" else "!="
            neg = "" if op == "==" else "not "
            right = unparen(node.right)
            if b == "None" or b in ("True", "False"):
                emit(fn, f"{out} = {a} {'is' if op == '==' else 'is not'} {b}", node)
            elif type(right) is nodes.Str and b.startswith(("'", '"')):
                emit(fn, f"if type({a}) is str: {out} = {a} {eq} {b}", node)
                emit(fn, f"else: {out} = {neg}(yield from o_equal({a}, {b}))", node)
            elif type(right) is nodes.Int:
                emit(fn, f"if type({a}) is int: {out} = {a} {eq} {b}", node)
                emit(fn, f"else: {out} = {neg}(yield from o_equal({a}, {b}))", node)
            else:
                emit(
                    fn,
                    f"if type({a}) is type({b}) and type({a}) in SIMPLE: {out} = {a} {eq} {b}",
                    node,
                )
                emit(fn, f"else: {out} = {neg}(yield from o_equal({a}, {b}))", node)
            return out
        if op == "//":
            emit(fn, f"{out} = r_update({a}, {b})", node)
            return out
        if op == "++":
            emit(fn, f"{out} = r_concat_lists({a}, {b})", node)
            return out
        raise AssertionError(f"unknown operator {op}")

    def logic(self, fn: _Fn, node: nodes.Binary) -> Step:
        a = yield self.value(fn, node.left)
        self.check_bool(fn, a, node.left)
        out = self.temp(fn)
        op = node.op
        if op == "&&":
            self.emit(fn, f"{out} = {a}", node)
            self.emit(fn, f"if {out}:", node)
        elif op == "||":
            self.emit(fn, f"{out} = {a}", node)
            self.emit(fn, f"if not {out}:", node)
        else:
            self.emit(fn, f"{out} = not {a}", node)
            self.emit(fn, f"if not {out}:", node)
        saved = set(fn.known)
        fn.indent += 1
        b = yield self.value(fn, node.right)
        self.check_bool(fn, b, node.right)
        self.emit(fn, f"{out} = {b}", node)
        fn.indent -= 1
        fn.known = saved
        self.bools.add(out)
        return out

    def c_if(self, fn: _Fn, node: nodes.If) -> Step:
        cond = yield self.value(fn, node.cond)
        self.check_bool(fn, cond, node.cond)
        out = self.temp(fn)
        self.emit(fn, f"if {cond}:", node)
        saved = set(fn.known)
        fn.indent += 1
        a = yield self.value(fn, node.then)
        self.emit(fn, f"{out} = {a}", node.then)
        fn.indent -= 1
        known_then = fn.known
        fn.known = set(saved)
        self.emit(fn, "else:", node)
        fn.indent += 1
        b = yield self.value(fn, node.else_)
        self.emit(fn, f"{out} = {b}", node.else_)
        fn.indent -= 1
        fn.known = known_then & fn.known
        if all(x in self.bools or x in ("True", "False") for x in (a, b)):
            self.bools.add(out)
        return out

    def assertion(self, fn: _Fn, node: nodes.Assert) -> Step:
        cond = yield self.value(fn, node.cond)
        self.check_bool(fn, cond, node.cond)
        text = self.const(show(node.cond))
        self.emit(fn, f"if not {cond}: raise r_assert_failed({text})", node)

    def c_assert(self, fn: _Fn, node: nodes.Assert) -> Step:
        yield self.assertion(fn, node)
        return (yield self.value(fn, node.body))

    def with_scope(self, fn: _Fn, node: nodes.With) -> Step:
        env = yield self.lazy(fn, node.env)
        name = self.var_name(node, "<with>")
        self.define(fn, name)
        self.emit(fn, f"{name} = {env.expr}", node)

    def c_with(self, fn: _Fn, node: nodes.With) -> Step:
        yield self.with_scope(fn, node)
        return (yield self.value(fn, node.body))

    def c_let(self, fn: _Fn, node: nodes.Let) -> Step:
        yield self.group(fn, self.resolved.bindings[node], node)
        return (yield self.value(fn, node.body))

    def legacy_let(self, fn: _Fn, node: nodes.LegacyLet) -> Step:
        merged = self.resolved.bindings[node]
        yield self.group(fn, merged, node)
        if "body" not in merged.static:
            self.emit(fn, "raise r_select_error(Attrs(), 'body')", node)
            return "None"
        return self.ref(fn, self.var_name(node, "body"))

    def c_legacy_let(self, fn: _Fn, node: nodes.LegacyLet) -> Step:
        body = yield self.legacy_let(fn, node)
        return self.force_var(fn, body, node)

    def c_list(self, fn: _Fn, node: nodes.List) -> Step:
        items: list[str] = []
        for item in node.items:
            op = yield self.lazy(fn, item)
            items.append(op.expr)
        out = self.temp(fn)
        if len(items) > 64:
            self.emit(fn, f"{out} = r_make_list([{', '.join(items)}])", node)
        else:
            self.emit(fn, f"{out} = NixList([{', '.join(items)}])", node)
        return out

    # ------------------------------------------------------------ selection

    def attr_name(self, fn: _Fn, key: nodes.AttrKey) -> Step:
        """Operand for an attribute name (a dynamic one is forced and checked)."""
        if isinstance(key, nodes.StaticKey):
            return repr(key.name)
        name = yield self.value(fn, key.expr)
        if not name.isidentifier() or name in ("None", "True", "False"):
            out = self.temp(fn)
            self.emit(fn, f"{out} = {name}", key)
            name = out
        self.emit(fn, f"if type({name}) is not str: {name} = r_attr_name({name})", key)
        return name

    def c_select(self, fn: _Fn, node: nodes.Select) -> Step:
        return (yield self.select(fn, node, tail=False))

    def select(self, fn: _Fn, node: nodes.Select, tail: bool) -> Step:
        cur = yield self.value(fn, node.expr)
        if node.default is None:
            last = len(node.path) - 1
            for i, key in enumerate(node.path):
                name = yield self.attr_name(fn, key)
                out = self.temp(fn)
                self.emit(
                    fn,
                    f"if type({cur}) is not Attrs or {name} not in {cur}:"
                    f" raise r_select_error({cur}, {name})",
                    node,
                )
                if tail and i == last:
                    self.emit(fn, f"return {cur}[{name}]", node)
                    return None
                self.emit(fn, f"{out} = {cur}[{name}]", node)
                self.emit(
                    fn,
                    f"if type({out}) is Thunk: {out} = {out}.value"
                    f" if {out}.code is None else (yield {out})",
                    node,
                )
                cur = out
            return cur
        # With a default: any missing step (or non-set) gives the default.
        # One `while` left by `break` keeps the code flat however long the path.
        ok = self.fresh("ok")
        out = self.temp(fn)
        self.emit(fn, f"{ok} = False", node)
        first = yield self.attr_name(fn, node.path[0])
        saved = set(fn.known)
        self.emit(fn, "while True:", node)
        fn.indent += 1
        for i, key in enumerate(node.path):
            name = first if i == 0 else (yield self.attr_name(fn, key))
            self.emit(fn, f"if type({cur}) is not Attrs or {name} not in {cur}: break", node)
            nxt = self.temp(fn)
            self.emit(fn, f"{nxt} = {cur}[{name}]", node)
            if i < len(node.path) - 1:
                self.emit(
                    fn,
                    f"if type({nxt}) is Thunk: {nxt} = {nxt}.value"
                    f" if {nxt}.code is None else (yield {nxt})",
                    node,
                )
            else:
                self.emit(fn, f"{out} = {nxt}", node)
                self.emit(fn, f"{ok} = True", node)
            cur = nxt
        self.emit(fn, "break", node)
        fn.indent -= 1
        fn.known = saved
        self.emit(fn, f"if not {ok}:", node)
        fn.indent += 1
        dflt = yield self.lazy(fn, node.default)
        self.emit(fn, f"{out} = {dflt.expr}", node.default)
        fn.indent -= 1
        fn.known = saved
        self.emit(
            fn,
            f"if type({out}) is Thunk: {out} = {out}.value"
            f" if {out}.code is None else (yield {out})",
            node,
        )
        return out

    def c_has_attr(self, fn: _Fn, node: nodes.HasAttr) -> Step:
        cur = yield self.value(fn, node.expr)
        out = self.temp(fn)
        self.emit(fn, f"{out} = False", node)
        # The first name is always evaluated (as in Nix), the others only
        # while the path exists.
        first = yield self.attr_name(fn, node.path[0])
        saved = set(fn.known)
        depth = 0
        for i, key in enumerate(node.path):
            name = first if i == 0 else (yield self.attr_name(fn, key))
            self.emit(fn, f"if type({cur}) is Attrs and {name} in {cur}:", node)
            fn.indent += 1
            depth += 1
            if i < len(node.path) - 1:
                nxt = self.temp(fn)
                self.emit(fn, f"{nxt} = {cur}[{name}]", node)
                self.emit(
                    fn,
                    f"if type({nxt}) is Thunk: {nxt} = {nxt}.value"
                    f" if {nxt}.code is None else (yield {nxt})",
                    node,
                )
                cur = nxt
            else:
                self.emit(fn, f"{out} = True", node)
        fn.indent -= depth
        fn.known = saved
        self.bools.add(out)
        return out

    # ------------------------------------------------------------ sets

    def c_attrs(self, fn: _Fn, node: nodes.AttrSet) -> Step:
        merged = self.resolved.bindings[node]
        return (yield self.build_attrs(fn, merged, node))

    def build_attrs(self, fn: _Fn, merged: MergedAttrs, node: nodes.Node) -> Step:
        """Emit the construction of a set from merged bindings; returns its operand."""
        overrides = merged.rec and "__overrides" in merged.static
        if merged.rec:
            yield self.group(fn, merged, node, redirectable=overrides)
            items = [
                f"{name!r}: {self.ref(fn, self.var_name(node, name))}" for name in merged.static
            ]
        else:
            sources: dict[int, str] = {}
            for source in merged.inherit_sources:
                op = yield self.lazy(fn, source.expr)
                src = self.temp(fn)
                self.define(fn, src)
                self.emit(fn, f"{src} = {op.expr}", source.expr)
                sources[id(source)] = src
            items = []
            for name, entry in merged.static.items():
                op = yield self.entry_value(fn, name, entry, sources, node)
                items.append(f"{name!r}: {op.expr}")
        out = self.temp(fn)
        self.emit(fn, f"{out} = Attrs({{{', '.join(items)}}})", node)
        if merged.static:
            positions = {name: self.position(e.pos) for name, e in merged.static.items()}
            self.emit(fn, f"{out}.positions = {self.const(positions)}", node)
        # Dynamic attributes come after `__overrides`, as in Nix.
        if overrides:
            env = ", ".join(
                f"{name!r}: {self.ref(fn, self.var_name(node, name))}" for name in merged.static
            )
            self.emit(fn, f"yield from r_overrides({out}, {{{env}}})", node)
        for dyn in merged.dynamic:
            yield self.dynamic_attr(fn, out, dyn)
        return out

    def dynamic_attr(self, fn: _Fn, target: str, dyn: DynamicEntry) -> Step:
        name = yield self.value(fn, dyn.key.expr)
        if isinstance(dyn.value, MergedAttrs):
            op = yield self.nested(fn, dyn.value, None)
            val = op.expr
        else:
            op = yield self.lazy(fn, dyn.value)
            val = op.expr
        where = self.where(dyn.pos)
        self.emit(fn, f"r_set_dynamic({target}, {name}, {val}, {where!r})", dyn.node)

    def nested(self, fn: _Fn, merged: MergedAttrs, name: str | None) -> Step:
        """A thunk building a set implied by attribute paths (`a.b = 1;`)."""
        descr = f"while evaluating the attribute '{name}'" if name is not None else None
        child = self.new_fn("th", fn, descr, merged.node)
        result = yield self.build_attrs(child, merged, merged.node)
        self.emit(child, f"return {result}", merged.node)
        return _Lazy(f"Thunk({self.fnref(fn, child)})", child)

    def entry_value(
        self,
        fn: _Fn,
        name: str,
        entry: ValueEntry | InheritEntry | NestedEntry,
        sources: dict[int, str],
        scope_node: nodes.Node,
        avoid: Mapping[str, str] | None = None,
    ) -> Step:
        """The lazy operand of one static attribute (``avoid``: see :meth:`lazy`)."""
        if isinstance(entry, ValueEntry):
            return (yield self.lazy(fn, entry.value, name=name, avoid=avoid))
        if isinstance(entry, NestedEntry):
            return (yield self.nested(fn, entry.attrs, name))
        if entry.var is not None:
            return (yield self.lazy(fn, entry.var, name=name))
        assert entry.source is not None
        src = sources[id(entry.source)]
        return self.inherit_from(fn, src, name, entry)

    def inherit_from(self, fn: _Fn, src: str, name: str, entry: InheritEntry) -> _Lazy:
        """A thunk selecting ``name`` from an `inherit (e)` source variable."""
        child = self.new_fn("th", fn, f"while evaluating the attribute '{name}'", entry.key)
        s = self.ref(child, src)
        self.force_var(child, s, entry.key)
        self.emit(
            child,
            f"if type({s}) is not Attrs or {name!r} not in {s}:"
            f" raise r_select_error({s}, {name!r})",
            entry.key,
        )
        self.emit(child, f"return {s}[{name!r}]", entry.key)
        return _Lazy(f"Thunk({self.fnref(fn, child)})", child, deps=(src,))

    def group(
        self, fn: _Fn, merged: MergedAttrs, node: nodes.Node, redirectable: bool = False
    ) -> Step:
        """Bind the static names of a `let` / `rec` set (mutually recursive).

        ``redirectable``: every name is bound to a thunk of its own, so that
        `__overrides` can redirect it.
        """
        group_names: dict[str, str] = {}
        for name in merged.static:
            py = self.var_name(node, name)
            self.define(fn, py)
            group_names[py] = name
        sources: dict[int, str] = {}
        src_ops: list[tuple[str, _Lazy, InheritSource]] = []
        for source in merged.inherit_sources:
            src = self.fresh("src")
            self.define(fn, src)
            sources[id(source)] = src
            group_names[src] = "<inherit>"
        for source in merged.inherit_sources:
            op = yield self.lazy(fn, source.expr)
            src_ops.append((sources[id(source)], op, source))
        # Aliases to names of this group (`a = b;`) must follow their target;
        # cyclic ones become thunks (forcing them is infinite recursion).
        alias_of: dict[str, str] = {}
        for name, entry in merged.static.items():
            if isinstance(entry, ValueEntry):
                v = unparen(entry.value)
                if type(v) is nodes.Var and isinstance(v.resolution, LocalRef):
                    target = self.binding_name(v.resolution)
                    if target in group_names:
                        alias_of[self.var_name(node, name)] = target
        cyclic: set[str] = set()
        for start in alias_of:
            seen = [start]
            cur = alias_of.get(start)
            while cur is not None and cur not in seen:
                seen.append(cur)
                cur = alias_of.get(cur)
            if cur is not None:
                cyclic.add(start)
        entries: list[tuple[str, _Lazy, nodes.Node]] = [(s, o, src.expr) for s, o, src in src_ops]
        for name, entry in merged.static.items():
            py = self.var_name(node, name)
            if py in cyclic:
                assert isinstance(entry, ValueEntry)
                child = self.new_fn("th", fn, None, entry.value)
                yield self.tail(child, entry.value)
                op = _Lazy("", child)
            else:
                # Speculation is for `let` only: set attributes stay thunks
                # (so printing without --strict shows <CODE> as Nix does).
                let = isinstance(node, nodes.Let)
                op = yield self.entry_value(
                    fn, name, entry, sources, node, group_names if let else None
                )
            entries.append((py, op, entry.node))
        assigned: set[str] = set()
        patches: list[tuple[str, _Fn, nodes.Node]] = []
        late: list[tuple[str, str, nodes.Node]] = []
        aliases: list[tuple[str, str, nodes.Node]] = []
        for py, op, at in entries:
            if redirectable and op.child is None:
                op = _Lazy(f"Thunk(partial(r_const, {op.expr}))", None, op.deps)
                patch = any(d in group_names for d in op.deps)
                self.emit(fn, f"{py} = Thunk(PENDING)" if patch else f"{py} = {op.expr}", at)
                if patch:
                    late.append((py, f"partial(r_const, {op.expr})", at))
                assigned.add(py)
            elif op.child is not None:
                deps = [c for c in op.child.captures if c in group_names]
                if all(d in assigned for d in deps):
                    self.emit(fn, f"{py} = Thunk({self.fnref(fn, op.child)})", at)
                else:
                    self.emit(fn, f"{py} = Thunk(PENDING)", at)
                    patches.append((py, op.child, at))
                assigned.add(py)
            elif py in alias_of:
                aliases.append((py, alias_of[py], at))
            elif any(d in group_names and d not in assigned for d in op.deps):
                aliases.append((py, op.deps[0], at))
            else:
                self.emit(fn, f"{py} = {op.expr}", at)
                assigned.add(py)
        pending = aliases
        while pending:
            later = []
            for py, target, at in pending:
                if target in assigned:
                    self.emit(fn, f"{py} = {target}", at)
                    assigned.add(py)
                else:
                    later.append((py, target, at))
            if len(later) == len(pending):
                raise AssertionError("unordered aliases")
            pending = later
        for py, child, at in patches:
            self.emit(fn, f"{py}.code = {self.fnref(fn, child)}", at)
        for py, code, at in late:
            self.emit(fn, f"{py}.code = {code}", at)

    _value_methods: dict[type, Callable[..., Step]] = {}


Compiler._value_methods = {
    nodes.Var: Compiler.c_var,
    nodes.Str: Compiler.c_str,
    nodes.Path: Compiler.c_path,
    nodes.SearchPath: Compiler.c_search_path,
    nodes.CurPos: Compiler.c_cur_pos,
    nodes.Error: Compiler.c_error,
    nodes.Lambda: Compiler.c_lambda,
    nodes.Apply: Compiler.c_apply,
    nodes.Unary: Compiler.c_unary,
    nodes.Binary: Compiler.c_binary,
    nodes.If: Compiler.c_if,
    nodes.Assert: Compiler.c_assert,
    nodes.With: Compiler.c_with,
    nodes.Let: Compiler.c_let,
    nodes.LegacyLet: Compiler.c_legacy_let,
    nodes.List: Compiler.c_list,
    nodes.Select: Compiler.c_select,
    nodes.HasAttr: Compiler.c_has_attr,
    nodes.AttrSet: Compiler.c_attrs,
}


def compile_tree(
    root: nodes.Node,
    resolved: Resolved,
    source: SourceText,
    base_dir: str,
    *,
    scoped: bool = False,
) -> CompiledFile:
    """Compile a resolved tree to a Python code object.

    ``base_dir`` is the directory relative paths are resolved against;
    ``scoped`` compiles names no scope defines as lookups in the `SCOPE`
    given to :func:`instantiate` (for `scopedImport`).
    """
    compiler = Compiler(resolved, source, base_dir, scoped)
    main = compiler.compile_root(root)
    filename = f"<nix {source.pos_file[:60]}>" if source.path is None else f"<nix {source.path}>"
    return CompiledFile(compiler, main, filename)
