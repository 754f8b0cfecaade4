"""Evaluating one node of an analysed file in its scope, without writing Nix source.

The evaluator compiles just the node (:func:`evaluator.compiler.codegen.compile_node`);
what the node reads from enclosing scopes is supplied here, lazily, from
the same analysed tree:

- a `let` binding or `rec` attribute: its definition, compiled the same
  way in its own scope (an attribute defined by nested paths, or by
  ``inherit (e)``, is selected from the whole set, or from ``e``);
- the environment of a `with`: its expression;
- a function's argument: for the file's own function a value from
  ``autoArgs``; for the file's function and the functions it returns
  (``final: prev:``) what the file's role supplies
  (:mod:`nixls.ide.project.arguments`: one expression, a list with one
  argument per curried function); else a formal's default, else an
  :class:`~evaluator.vm.values.Unknown` that names the argument.

Compiled code carries the file's own spans, so an error points into the
document directly. Each binding is compiled and evaluated at most once per
evaluation (its thunk is shared), and compiled code is cached per text.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from evaluator.api import Evaluator
from evaluator.compiler import Analysis
from evaluator.compiler.bindings import InheritEntry, NestedEntry
from evaluator.compiler.codegen import CompiledFile, compile_node
from evaluator.compiler.model import BindingKind, Scope
from evaluator.syntax import nodes
from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, Frame, Thunk, Unknown
from nixls.ide.tree import unparen

WITH_ENV = "<with>"
Key = tuple[int, str]  # (id of the node binding a name, the name)
# Supplies a function's argument from outside the file (a flake's `outputs` gets its
# locked inputs): (env, function, name) -> a lazy value, or None to fall through to
# autoArgs, the default, or unknown.
ArgumentProvider = Callable[["ScopeEnv", nodes.Lambda, str], Any]


@dataclass
class NodeCache:
    """Compiled nodes of one text of a document (thread-safe)."""

    compiled: dict[int, tuple[CompiledFile, list[Key]]] = field(default_factory=dict)
    lock: threading.Lock = field(default_factory=threading.Lock)


@dataclass
class ScopeEnv:
    """The names an evaluation inside one analysed file can see, as lazy values."""

    analysis: Analysis
    source: SourceText
    base_dir: str
    auto_args: dict[str, str]
    cache: NodeCache
    evaluator: Evaluator | None = None
    # Argument values by their text, shared across requests (nixls.ide.value_session).
    arg_cache: dict[str, Any] | None = None
    providers: list[ArgumentProvider] = field(default_factory=list)
    # The role's arguments: a Nix expression of a list, one per curried function.
    supply: str | None = None
    # Arguments of the file's own function the role gives directly (name -> expression).
    supply_direct: dict[str, str] = field(default_factory=dict)
    # Whether a plain `x:` (or the `@` name) gets the supplied element itself.
    supply_plain: bool = True
    _values: dict[Key, Any] = field(default_factory=dict)
    _nodes: dict[int, nodes.Node] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self._nodes = {id(n): n for n in self.analysis.resolved.scope_of}
        top = unparen(self.analysis.tree)
        self._top = top if isinstance(top, nodes.Lambda) else None
        # The supplied function and the functions its body returns: id -> depth.
        self._levels: dict[int, int] = {}
        fn: nodes.Node | None = top
        while isinstance(fn, nodes.Lambda):
            self._levels[id(fn)] = len(self._levels)
            fn = unparen(fn.body)
        self._supplied: dict[int, Thunk] = {}

    # ------------------------------------------------------------ entry points

    def thunk(self, node: nodes.Node) -> Thunk:
        """The lazy value of ``node`` in its scope."""
        return Thunk(partial(self._frame, node))

    # ------------------------------------------------------------ compiling

    def _frame(self, node: nodes.Node) -> Frame:
        assert self.evaluator is not None, "bind an evaluator first"
        compiled, captures = self._compiled(node)
        values = [self._value(key) for key in captures]
        return self.evaluator.node_frame(compiled, values)

    def _compiled(self, node: nodes.Node) -> tuple[CompiledFile, list[Key]]:
        cache = self.cache
        found = cache.compiled.get(id(node))
        if found is None:
            found = compile_node(node, self.analysis.resolved, self.source, self.base_dir)
            with cache.lock:
                cache.compiled[id(node)] = found
        return found

    # ------------------------------------------------------------ captured names

    def _value(self, key: Key) -> Any:
        found = self._values.get(key)
        if found is None:
            found = self._values[key] = self._make(key)
        return found

    def _make(self, key: Key) -> Any:
        owner = self._nodes.get(key[0])
        name = key[1]
        if owner is None:
            return _failing(f"cannot evaluate `{name}` here")
        if name == WITH_ENV:
            assert isinstance(owner, nodes.With)
            return self.thunk(owner.env)
        scope = self.analysis.resolved.scope_of[owner]
        binding = scope.bindings.get(name)
        if binding is None:
            return _failing(f"cannot evaluate `{name}` here")
        if binding.kind in (BindingKind.FORMAL, BindingKind.ARGUMENT, BindingKind.AT):
            return self._argument(owner, scope, name)
        entry = binding.entry
        if isinstance(entry, InheritEntry) and entry.source is not None:
            return Thunk(partial(_select, self.thunk(entry.source.expr), name))
        if binding.value is not None and not isinstance(entry, NestedEntry):
            return self.thunk(binding.value)
        if isinstance(owner, nodes.AttrSet | nodes.LegacyLet):
            return Thunk(partial(_select, self.thunk(owner), name))
        return _failing(f"`{name}` is defined by nested attribute paths in a `let`")

    def _argument(self, fn: nodes.Node, scope: Scope, name: str) -> Any:
        """A function's argument: autoArgs, the role's supply, a default, or unknown."""
        assert isinstance(fn, nodes.Lambda)
        for provide in self.providers:
            supplied = provide(self, fn, name)
            if supplied is not None:
                return supplied
        auto = self.auto_args if fn is self._top else {}
        level = self._levels.get(id(fn)) if self.supply is not None else None
        formal = None
        if fn.formals is not None:
            formal = next((f for f in fn.formals.entries if f.name.name == name), None)
        if formal is not None:
            if name in auto:
                return self._auto_arg(auto[name])
            if level == 0 and name in self.supply_direct:
                return self._auto_arg(self.supply_direct[name])
            fallback = self.thunk(formal.default) if formal.default is not None else None
            if level is not None:
                if fallback is None:
                    fallback = self._unknown(fn, name)
                return Thunk(partial(_select_or, self._supplied_arg(level), name, fallback))
            if fallback is not None:
                return fallback
        elif level is not None and self.supply_plain:  # `x:` or the `@` name: the whole
            return self._supplied_arg(level)
        elif fn.formals is not None and auto:  # `args@{ ... }`: the supplied arguments
            given = {f.name.name for f in fn.formals.entries if f.name.name in auto}
            return Thunk.ready(Attrs({n: self._value((id(fn), n)) for n in sorted(given)}))
        return self._unknown(fn, name)

    def _unknown(self, fn: nodes.Lambda, name: str) -> Thunk:
        line = _line_of(self.source.text, fn.start)
        return Unknown(name, f"argument `{name}` of the function on line {line}").thunk()

    def _supplied_arg(self, level: int) -> Thunk:
        """Element ``level`` of the role's supply (one shared list per evaluation)."""
        found = self._supplied.get(level)
        if found is None:
            whole = self._supplied.get(-1)
            if whole is None:
                assert self.supply is not None
                whole = self._supplied[-1] = self._auto_arg(self.supply)
            found = self._supplied[level] = Thunk(partial(_element, whole, level))
        return found

    def _auto_arg(self, text: str) -> Thunk:
        assert self.evaluator is not None
        cache = self.arg_cache
        if cache is not None and text in cache:
            return cache[text]  # type: ignore[no-any-return]
        try:
            thunk = self.evaluator.source_thunk(text, base_dir=self.base_dir)
        except NixError as err:
            return _failing(f"in autoArgs: {err.message}")
        if cache is not None:
            cache[text] = thunk
        return thunk


def _select(of: Thunk, name: str) -> Frame:
    value = yield of
    if type(value) is not Attrs or name not in value:
        raise NixError(f"attribute '{name}' missing")
    found = value[name]
    if type(found) is Thunk and found.code is not None:
        found = yield found
    elif type(found) is Thunk:
        found = found.value
    return found


def _select_or(of: Thunk, name: str, fallback: Thunk) -> Frame:
    """Attribute ``name`` of the set ``of``, or ``fallback`` when it has none."""
    value = yield of
    if type(value) is Attrs and name in value:
        return (yield from _select(of, name))
    return (yield fallback)


def _element(of: Thunk, index: int) -> Frame:
    value = yield of
    if not isinstance(value, list) or index >= len(value):
        raise NixError(f"the supplied arguments have no element {index}")
    return (yield value[index])


def _failing(message: str) -> Thunk:
    def frame() -> Frame:
        raise NixError(message)
        yield

    return Thunk(frame)


def _line_of(text: bytes, offset: int) -> int:
    """The 1-based line of ``offset`` (lines end at LF, CRLF or a lone CR, as Nix
    counts them), by counting: no line index of the whole text is built for
    one line number (23 ms at 50,000 lines, on every hover that met an argument)."""
    return (
        1
        + text.count(b"\n", 0, offset)
        + text.count(b"\r", 0, offset)
        - text.count(b"\r\n", 0, offset)
    )
