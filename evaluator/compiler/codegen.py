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

This module holds the :class:`Compiler`'s core (naming, generated functions,
laziness, deferred units) and the compiled file; the methods for each
expression family are module functions of the compiler, bound as its
attributes: :mod:`.codegen_names` (variables, strings, paths),
:mod:`.codegen_functions` (lambdas and calls), :mod:`.codegen_operators`
(operators, `if`, `assert`, `with`), :mod:`.codegen_sets` (sets, `let`,
lists, selection); :mod:`.codegen_base` holds what they share.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from functools import partial
from operator import attrgetter
from types import GeneratorType
from typing import Any

from evaluator.compiler import codegen_functions, codegen_names, codegen_operators, codegen_sets
from evaluator.compiler.captures import Captures
from evaluator.compiler.codegen_base import (
    MAX_INDENT,
    NAME_MARK,
    LineSpans,
    Step,
    _drive,
    _Fn,
    _Lazy,
)
from evaluator.compiler.compiled import CompiledFile, Unit, unit_tag
from evaluator.compiler.model import GlobalRef, LocalRef
from evaluator.compiler.scope import Resolved
from evaluator.compiler.teardown import dismantle, held, let_go, prune, union
from evaluator.syntax import nodes
from evaluator.vm.frames import SourceText

# A thunk whose Nix source is longer than this (bytes) is compiled, to
# Python source and then to bytecode, only when first forced: one
# evaluation uses a small part of a big file (nixpkgs' lib, for one).
DEFER_BYTES = 400

_START = attrgetter("start")
_END = attrgetter("end")


class Compiler:
    """Compiles one file; see :func:`compile_tree`."""

    def __init__(
        self,
        resolved: Resolved,
        source: SourceText,
        base_dir: str,
        scoped: bool = False,
        *,
        owns_tree: bool = False,
    ):
        self.resolved = resolved
        self.scoped = scoped
        # The tree was made for this compiler alone: it is pruned as units are
        # generated (to what the deferred thunks left need) and `close` takes
        # it apart.
        self.owns_tree = owns_tree
        self.kept_bytes = len(source.text) + 1
        # Deferred thunks left when the next pruning is considered: measuring
        # what they keep walks all of them, so it is done only each time a
        # quarter of them has been generated (not after every unit).
        self.prune_when = math.inf
        # Its tree may be held unpruned in a one-shot run (`teardown.held`).
        self.hold_tree = owns_tree
        # Temporaries that always hold a Boolean (no check needed).
        self.bools: set[str] = set()
        # Deferred thunk functions by name; Vars by position (for captures).
        self.deferred: dict[str, _Fn] = {}
        self._captures: Captures | None = None
        # Span tuples made for the unit being rendered, by (start, end).
        self.span_cache: dict[tuple[int, int], tuple[Any, int, int]] = {}
        self.root_node: nodes.Node = nodes.Error(0, 0)
        self.source = source
        self.base_dir = base_dir
        self.fns: list[_Fn] = []
        self.names: dict[tuple[int, str], str] = {}
        self.owner: dict[str, _Fn] = {}
        # Append-only, in creation order: a unit takes those made since its marks.
        self.consts: list[tuple[str, Any]] = []
        self.const_ids: dict[Any, str] = {}
        self.globals_used: list[tuple[str, str]] = []
        self.global_names: dict[str, str] = {}
        # Module-level names are unique per file whatever order its units are
        # generated in (a unit's tag, then a counter restarted per unit), so
        # units cached on disk and units generated now load side by side.
        self.tag = ""
        self.counter = 0
        self.var_counter = 0
        self.main_deferred: list[str] = []
        self._line_starts: list[int] | None = None
        # A named lambda's name, given to the lambda that is its body (`f = a: b: ...`
        # names both, as Nix does), by node id.
        self.curried_names: dict[int, str] = {}
        # Size above which the node `lazy` is called for next is deferred
        # (see LARGE_SET_BYTES); back to DEFER_BYTES once it is called.
        self.defer_bytes = DEFER_BYTES
        # How deep shared code holding shared code is being made (codegen_sets).
        self.share_depth = 0

    # ------------------------------------------------------------ naming

    def fresh(self, prefix: str) -> str:
        """A name for a local of one generated function."""
        self.counter += 1
        return f"{prefix}\0{self.counter}\0"  # marked: see NAME_MARK

    def unit_name(self, prefix: str) -> str:
        """A module-level name (function, constant, global), unique in the file."""
        self.counter += 1
        return f"{prefix}\0{self.tag}{self.counter}\0"

    def var_name(self, scope_node: object, name: str) -> str:
        key = (id(scope_node), name)
        found = self.names.get(key)
        if found is None:
            # Short names: generated source size is what Python's compile() pays for.
            # Their own counter: which unit names a variable first varies.
            self.var_counter += 1
            found = f"\0v{self.var_counter}\0"  # its own counter: "v" inside the marks
            self.names[key] = found
        return found

    def const(self, value: Any, key: Any = None) -> str:
        """A module constant holding ``value`` (shared, never mutated)."""
        if key is not None and key in self.const_ids:
            return self.const_ids[key]
        name = self.unit_name("K")
        self.consts.append((name, value))
        if key is not None:
            self.const_ids[key] = name
        return name

    def global_name(self, name: str) -> str:
        found = self.global_names.get(name)
        if found is None:
            found = self.unit_name("G")
            self.global_names[name] = found
            self.globals_used.append((found, name))
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
        fn = _Fn(self.unit_name(prefix), parent, descr, node)
        self.fns.append(fn)
        return fn

    def emit(self, fn: _Fn, text: str, node: nodes.Node | None = None) -> None:
        """Add a line to ``fn`` at its indentation, evaluating ``node``."""
        lines = fn.lines
        if node is not None:
            fn.span_lines.append(len(lines))
            fn.span_nodes.append(node)
        if fn.context:
            fn.contexts.append((len(lines), fn.context))
        lines.append("    " * fn.indent + text)

    def in_context(self, fn: _Fn, message: str, at: tuple[int, int], step: Step) -> Step:
        """Compile ``step`` with errors on its lines traced as ``message`` at ``at``."""
        saved = fn.context
        fn.context = (*saved, (message, at))
        try:
            return (yield step)
        finally:
            fn.context = saved

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
        unit = self._unit(main, marks)
        self.main_deferred = unit.deferred
        self.prune_tree()
        return unit

    def prune_tree(self) -> None:
        """Free the tree but for what the deferred thunks left will compile
        (when that is a quarter less than at the last pruning), unless it is held."""
        captures = self._captures
        # With no deferred thunk left, `close` takes the whole tree apart next.
        if not self.owns_tree or captures is None or not 0 < len(self.deferred) <= self.prune_when:
            return
        if self.hold_tree and held(self):
            return
        self.prune_when = len(self.deferred) * 3 // 4
        keep = union(s for fn in self.deferred.values() for s in captures.region(fn.node))
        size = sum(hi - lo for lo, hi in keep)
        if size <= self.kept_bytes * 3 // 4:
            prune(self.resolved, self.root_node, keep, captures, self.names)
            self.kept_bytes = size

    def compile_node(self, node: nodes.Node) -> tuple[Unit, list[tuple[int, str]]]:
        """Compile one node of the tree as `main`, in its scope.

        What ``node`` reads from enclosing scopes becomes parameters of
        `main`; returns the unit and, per parameter in order, the ``(id of
        the binding scope node, name)`` it stands for (``"<with>"`` for the
        environment of a `with`).
        """
        marks = self._marks()
        main = self.new_fn("main", None, None, node)
        main.name = "main"
        _drive(self.tail(main, node))
        meaning = {py: key for key, py in self.names.items()}
        return self._unit(main, marks), [meaning[p] for p in main.captures]

    def compile_deferred(self, name: str) -> Unit:
        """Compile a thunk whose compilation was deferred; returns its unit."""
        fn = self.deferred[name]
        assert fn.deferred is not None
        node, lambda_name = fn.deferred
        expected = set(fn.captures)
        marks = self._marks()
        # Names and shared constants per unit: what it generates depends only
        # on its own code, not on which other units were generated before.
        self.tag, self.counter = unit_tag(name), 0
        self.const_ids, self.global_names, self.bools = {}, {}, set()
        if type(node) is nodes.Lambda and lambda_name is not None:
            expr = _drive(self.lambda_(fn, node, lambda_name))
            self.emit(fn, f"return {expr}", node)
        else:
            _drive(self.tail(fn, node))
        if set(fn.captures) != expected:
            raise AssertionError(f"deferred {name}: captures {list(fn.captures)} != {expected}")
        unit = self._unit(fn, marks)
        del self.deferred[name]  # generated: its subtree is not needed any more
        self.prune_tree()
        return unit

    def close(self) -> None:
        """Forget everything (no unit is left to generate); a tree made for
        this compiler alone is taken apart, so that it is freed at once."""
        if self.owns_tree:
            let_go(self)
            dismantle(self.resolved)
        vars(self).clear()  # the captures' bound methods point back here

    def _marks(self) -> tuple[int, int, int]:
        return len(self.fns), len(self.consts), len(self.globals_used)

    def _unit(self, root: _Fn, marks: tuple[int, int, int]) -> Unit:
        """The unit of ``root`` and the functions created since ``marks``."""
        n_fns, n_consts, n_globals = marks
        new = self.fns[n_fns:]
        members = [root] if root not in new else []
        members += [f for f in new if f.deferred is None]
        deferred = [f.name for f in new if f.deferred is not None]
        consts = dict(self.consts[n_consts:])
        globals_ = dict(self.globals_used[n_globals:])
        unit = self.render(root.name, members, deferred, consts, globals_)
        # Rendered: a cold run would otherwise keep every generated line twice
        # (text and span tuples) until the end (cold16).
        for member in members:
            member.lines, member.span_lines, member.span_nodes, member.contexts = [], [], [], []
        del self.fns[n_fns:]
        self.owner.clear()
        self.span_cache.clear()
        return unit

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
        """Python source of some generated functions, with their line spans.

        The unit also gets each function's text with its generated names
        still marked (``Unit.functions``): what `code_share` normalises.
        """
        texts: list[tuple[str, int]] = []
        # Line spans as columns (`LineSpans`): each function's lines by
        # C-level maps over its two lists, no Python step per line.
        numbers: list[int] = []
        starts: list[int] = []
        ends: list[int] = []
        line_contexts: dict[int, tuple[tuple[str, tuple[Any, int, int] | None], ...]] = {}
        infos: dict[str, tuple[str | None, tuple[Any, int, int]]] = {}
        spans = self.span_cache
        source = self.source
        mark = NAME_MARK

        def span_of(se: tuple[int, int]) -> tuple[Any, int, int]:
            s = spans.get(se)
            if s is None:
                s = spans[se] = (source, se[0], se[1])
            return s

        line = 0  # lines of the unit before this function
        for fn in fns:
            start = line + 1  # the line of its `def`
            node = fn.node
            numbers.append(start)
            starts.append(node.start)
            ends.append(node.end)
            at = fn.descr_at
            infos[fn.name.replace(mark, "")] = (
                fn.descr,
                span_of((node.start, node.end) if at is None else at),
            )
            first = start + 1
            numbers += map(first.__add__, fn.span_lines)
            span_nodes = fn.span_nodes
            starts += map(_START, span_nodes)
            ends += map(_END, span_nodes)
            for i, context in fn.contexts:  # innermost first, as trace entries are added
                line_contexts[first + i] = tuple(
                    [(m, span_of(at) if at[0] >= 0 else None) for m, at in context[::-1]]
                )
            lines = fn.lines
            body = "\n".join(lines)
            # A generator function even when every path returns early; else a
            # plain function (its body never waits for the loop): the loop
            # takes its result at once, without a generator frame.
            tail = "\n    yield\n\n" if "yield" in body else "\n\n"
            text = f"def {fn.name}({', '.join([*fn.captures, *fn.params])}):\n{body}{tail}"
            line += len(lines) + (3 if len(tail) > 2 else 2)
            texts.append((text, start))
        unit = Unit(
            root.replace(mark, ""),
            None,  # made from ``texts`` if asked for (compiling does not)
            LineSpans(source, numbers, starts, ends),
            infos,
            [d.replace(mark, "") for d in deferred],
            {k.replace(mark, ""): v for k, v in consts.items()},
            {k.replace(mark, ""): v for k, v in globals_.items()},
        )
        unit.line_contexts = line_contexts
        unit.functions = texts
        return unit

    # ------------------------------------------------------------ modes

    def tail(self, fn: _Fn, node: nodes.Node) -> Step | str | None:
        """Emit code returning the value of ``node`` (possibly unforced): a
        step (what it gives is no result). A call or a selection (most
        bodies) is that family's step itself, without a generator of its own
        around it (~1 µs a step)."""
        while type(node) is nodes.Paren:
            node = node.expr  # type: ignore[attr-defined]
        if fn.indent <= MAX_INDENT:
            t = type(node)
            if t is nodes.Apply:
                return self.apply(fn, node, tail=True)  # type: ignore[arg-type]
            if t is nodes.Select and node.default is None:  # type: ignore[attr-defined]
                return self.select(fn, node, tail=True)  # type: ignore[arg-type]
        return self._tail(fn, node)

    def _tail(self, fn: _Fn, node: nodes.Node) -> Step:
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
                cond = yield self.condition(fn, n_if)
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

    def value(self, fn: _Fn, node: nodes.Node) -> Step | str:
        """Emit code computing the forced value of ``node``; returns an
        operand (at once for a literal, else a step giving it)."""
        while type(node) is nodes.Paren:
            node = node.expr  # type: ignore[attr-defined]
        t = type(node)
        lit = self.literal(node)
        if lit is not None:
            return lit
        if fn.indent > MAX_INDENT and t not in (nodes.Var, nodes.Select, nodes.Apply):
            return self._value_in_helper(fn, node)
        method = self._value_methods.get(t)
        if method is None:
            raise AssertionError(f"cannot compile {t.__name__}")
        return method(self, fn, node)

    def _value_in_helper(self, fn: _Fn, node: nodes.Node) -> Step:
        helper = yield self.helper(fn, node)
        out = self.temp(fn)
        self.emit(fn, f"{out} = yield {helper}", node)
        fn.known.add(out)
        return out

    def lazy(
        self,
        fn: _Fn,
        node: nodes.Node,
        arg: bool = False,
        name: str | None = None,
        avoid: Mapping[str, str] | None = None,
        at: tuple[int, int] | None = None,
    ) -> Step | _Lazy:
        """An operand for ``node`` without forcing it: a value, a variable or
        a new thunk: a :class:`_Lazy`, at once when no code is generated for
        it, else a step giving it. ``at``: the span of the attribute path
        defining ``name`` (its trace entry points there).

        ``arg``: a function argument: closures are made at once, and integer
        arithmetic and selections from evaluated sets are done at once when
        that cannot fail or run code. ``avoid``: a `let` binding: those
        speculations too, except on the names being bound (``avoid``).
        """
        limit, self.defer_bytes = self.defer_bytes, DEFER_BYTES  # for this node only
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
        if (arg or avoid is not None) and (
            t is nodes.Binary or t is nodes.Select or arg and t is nodes.Lambda
        ):
            return self._lazy_speculated(fn, node, limit, arg, name, avoid, at)
        return self._lazy_thunk(fn, node, limit, name, avoid, at)

    def _lazy_speculated(
        self,
        fn: _Fn,
        node: nodes.Node,
        limit: int,
        arg: bool,
        name: str | None,
        avoid: Mapping[str, str] | None,
        at: tuple[int, int] | None,
    ) -> Step:
        """`lazy` of an argument's lambda, or of an operation or selection
        computed at once when that cannot fail (else a thunk)."""
        t = type(node)
        if arg and t is nodes.Lambda:
            expr = yield self.lambda_(fn, node, name)  # type: ignore[arg-type]
            return _Lazy(expr)
        if t is nodes.Binary:
            spec = yield self.speculate(fn, node, avoid)  # type: ignore[arg-type]
        else:
            spec = yield self.speculate_select(fn, node, avoid)  # type: ignore[arg-type]
        if spec is not None:
            return _Lazy(spec)
        return (yield self._lazy_thunk(fn, node, limit, name, avoid, at))

    def _lazy_thunk(
        self,
        fn: _Fn,
        node: nodes.Node,
        limit: int,
        name: str | None,
        avoid: Mapping[str, str] | None,
        at: tuple[int, int] | None,
    ) -> Step | _Lazy:
        """`lazy` of a node that needs a thunk (shared code, deferred, or a
        new function: then a step giving it)."""
        # In a `let` (``avoid``) forcing the thunk adds no trace entry.
        shared = self.shared_thunk(fn, node, name, at, avoid is None, limit)
        if type(shared) is GeneratorType:  # shared code holding new code: a step
            if type(node) is not nodes.Apply:
                return shared  # a set's or list's: never None
            return self._lazy_shared(shared, partial(self._lazy_new, fn, node, limit, name, at))
        if shared is not None:
            return shared
        return self._lazy_new(fn, node, limit, name, at)

    def _lazy_shared(self, step: Step, new: Callable[[], Step | _Lazy]) -> Step:
        """`lazy` when shared code needs new code first (``new`` if it has none)."""
        shared = yield step
        return shared if shared is not None else (yield new())

    def _lazy_new(
        self,
        fn: _Fn,
        node: nodes.Node,
        limit: int,
        name: str | None,
        at: tuple[int, int] | None,
    ) -> Step | _Lazy:
        """A thunk of new code for ``node``: deferred (a :class:`_Lazy` at
        once) or a step giving it."""
        descr = f"while evaluating the attribute '{name}'" if name is not None else None
        child = self.new_fn("th", fn, descr, node)
        child.descr_at = at
        if node.end - node.start > limit:
            # Compiled when first forced; its captures are known from the tree.
            child.deferred = (node, name)
            for p in self.free_vars(node):
                child.captures[p] = None
            self.deferred[child.name.replace(NAME_MARK, "")] = child
            return _Lazy(f"Thunk({self.fnref(fn, child)})", child)
        return self._thunk_body(fn, child, node, name)

    def _thunk_body(self, fn: _Fn, child: _Fn, node: nodes.Node, name: str | None) -> Step:
        if type(node) is nodes.Lambda and name is not None:
            # Nix names a function after the attribute it is bound to.
            expr = yield self.lambda_(child, node, name)  # type: ignore[arg-type]
            self.emit(child, f"return {expr}", node)
        else:
            yield self.tail(child, node)
        return _Lazy(f"Thunk({self.fnref(fn, child)})", child)

    def lazy_expr(self, fn: _Fn, node: nodes.Node, arg: bool = False) -> Step | str:
        """Like :meth:`lazy`, giving just the expression (at once, or a step)."""
        op = self.lazy(fn, node, arg)
        if type(op) is GeneratorType:
            return self._expr_of(op)
        return op.expr  # type: ignore[union-attr]

    def _expr_of(self, step: Step) -> Step:
        op = yield step
        return op.expr

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

    # The expression families, one module each.
    literal = codegen_names.literal
    path_prefix = codegen_names.path_prefix
    c_var = codegen_names.c_var
    with_var = codegen_names.with_var
    shared_with_var = codegen_names.shared_with_var
    c_str = codegen_names.c_str
    interpolation_span = codegen_names.interpolation_span
    c_path = codegen_names.c_path
    lexical_ref = codegen_names.lexical_ref
    search_ref = codegen_names.search_ref
    c_search_path = codegen_names.c_search_path
    c_cur_pos = codegen_names.c_cur_pos
    c_error = codegen_names.c_error
    c_lambda = codegen_functions.c_lambda
    lambda_ = codegen_functions.lambda_
    c_apply = codegen_functions.c_apply
    apply = codegen_functions.apply
    speculate_select = codegen_functions.speculate_select
    speculate = codegen_functions.speculate
    c_unary = codegen_operators.c_unary
    c_binary = codegen_operators.c_binary
    logic = codegen_operators.logic
    pipe = codegen_operators.pipe
    site_of_operator = codegen_operators.site_of_operator
    operator_at = codegen_operators.operator_at
    operand_span = codegen_operators.operand_span
    operand_spans = codegen_operators.operand_spans
    bool_operand = codegen_operators.bool_operand
    condition = codegen_operators.condition
    c_if = codegen_operators.c_if
    assertion = codegen_operators.assertion
    c_assert = codegen_operators.c_assert
    with_scope = codegen_operators.with_scope
    c_with = codegen_operators.c_with
    c_let = codegen_sets.c_let
    legacy_let = codegen_sets.legacy_let
    c_legacy_let = codegen_sets.c_legacy_let
    c_list = codegen_sets.c_list
    attr_name = codegen_sets.attr_name
    c_select = codegen_sets.c_select
    select = codegen_sets.select
    c_has_attr = codegen_sets.c_has_attr
    c_attrs = codegen_sets.c_attrs
    build_attrs = codegen_sets.build_attrs
    dynamic_attr = codegen_sets.dynamic_attr
    nested = codegen_sets.nested
    entry_value = codegen_sets.entry_value
    inherit_from = codegen_sets.inherit_from
    shared_select = codegen_sets.shared_select
    shared_thunk = codegen_sets.shared_thunk
    shared_set = codegen_sets.shared_set
    shared_call = codegen_functions.shared_call
    group = codegen_sets.group

    _value_methods: dict[type, Callable[..., Any]] = {}


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
    owns_tree: bool = False,
) -> CompiledFile:
    """Compile a resolved tree to a Python code object.

    ``base_dir`` is the directory relative paths are resolved against;
    ``scoped`` compiles names no scope defines as lookups in the `SCOPE`
    given to :func:`instantiate` (for `scopedImport`). ``owns_tree``: the
    tree and its analysis serve this compilation only (they are taken apart
    when the compiler is dropped).
    """
    compiler = Compiler(resolved, source, base_dir, scoped, owns_tree=owns_tree)
    main = compiler.compile_root(root)
    filename = f"<nix {source.pos_file[:60]}>" if source.path is None else f"<nix {source.path}>"
    return CompiledFile(source, main, filename, compiler)


def compile_node(
    node: nodes.Node, resolved: Resolved, source: SourceText, base_dir: str
) -> tuple[CompiledFile, list[tuple[int, str]]]:
    """Compile ``node`` of a resolved tree alone; see :meth:`Compiler.compile_node`."""
    compiler = Compiler(resolved, source, base_dir)
    main, captures = compiler.compile_node(node)
    filename = f"<nix {source.pos_file[:60]}>" if source.path is None else f"<nix {source.path}>"
    return CompiledFile(source, main, filename, compiler), captures
