"""Where a module file writes option paths, read from its syntax tree.

A module's configuration is its body set (the shorthand form) or the value
of its ``config`` attribute. Option paths are written there as binding
paths, continued into nested sets (``programs.git = { … }``), through
``lib.mkIf c …``, ``mkMerge [ … ]``, ``mkDefault``/``mkForce``/
``mkOverride n``/``mkBefore``/``mkAfter``/``mkOrder n``, and into the items
of lists (``*``: the item of a ``listOf (submodule …)`` value). Every walk
here is iterative.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from evaluator.syntax import nodes
from nixls.ide.options.tree import ITEM

# Top-level attributes of a module that are not configuration.
MODULE_KEYS = frozenset(
    {"imports", "options", "config", "_file", "key", "disabledModules", "_class", "freeformType"}
)
_WRAPPERS_1 = frozenset(
    {
        "mkDefault",
        "mkForce",
        "mkBefore",
        "mkAfter",
        "mkOptionDefault",
        "mkImageMediaOverride",
        "mkVMOverride",
        "mkOverride",
        "mkOrder",
        "mkIf",
        "mkMerge",
    }
)


@dataclass(frozen=True)
class Key:
    """One written segment of an option path."""

    name: str
    start: int
    end: int


@dataclass(frozen=True)
class Definition:
    """A binding that defines (a part of) an option path."""

    prefix: tuple[str, ...]  # the path of the set the binding is in
    keys: tuple[Key, ...]  # its own path segments (static ones only)
    value: nodes.Node | None  # None when a dynamic key cut the path short
    binding: nodes.AttrDef

    @property
    def path(self) -> tuple[str, ...]:
        """The whole option path."""
        return self.prefix + tuple(k.name for k in self.keys)


def strip(node: nodes.Node) -> nodes.Node:
    """``node`` without parentheses and enclosing ``let``/``with``/``assert``."""
    while True:
        if isinstance(node, nodes.Paren):
            node = node.expr
        elif isinstance(node, nodes.Let | nodes.With | nodes.Assert):
            node = node.body
        else:
            return node


def module_body(root: nodes.Node) -> nodes.AttrSet | None:
    """The set a module file evaluates to (after its arguments)."""
    node = strip(module_root(root))
    if isinstance(node, nodes.Lambda):
        node = strip(node.body)
    return node if isinstance(node, nodes.AttrSet) else None


def module_root(root: nodes.Node) -> nodes.Node:
    """The module a file holds: the file itself, or in a flake-parts `flake.nix`
    the module given to ``mkFlake`` (``outputs = …: X.lib.mkFlake { … } MODULE``)."""
    call = mkflake_call(root)
    return call.arg if call is not None else root


def mkflake_call(root: nodes.Node) -> nodes.Apply | None:
    """The ``….lib.mkFlake ARGS MODULE`` call a flake's ``outputs`` returns, if written so."""
    top = strip(root)
    if not isinstance(top, nodes.AttrSet):
        return None
    for b in top.bindings:
        if _head(b) == "outputs" and isinstance(b, nodes.AttrDef) and len(b.path) == 1:
            fn = strip(b.value)
            body = strip(fn.body) if isinstance(fn, nodes.Lambda) else None
            if (
                isinstance(body, nodes.Apply)
                and isinstance(strip(body.fn), nodes.Apply)
                and _wrapper_name(_apply_fn(body)) == "mkFlake"
            ):
                return body
    return None


def _head(binding: nodes.Node) -> str | None:
    if isinstance(binding, nodes.AttrDef) and isinstance(binding.path[0], nodes.StaticKey):
        return binding.path[0].name
    return None


def _is_module_fn(node: nodes.Node) -> bool:
    return isinstance(node, nodes.Lambda) and isinstance(strip(node.body), nodes.AttrSet)


def _module_config(node: nodes.Node) -> list[tuple[tuple[str, ...], nodes.Node]]:
    """The expressions holding a module's configuration (``node``: the module,
    a function or a set), each with its path prefix (empty)."""
    node = strip(node)
    body = strip(node.body) if isinstance(node, nodes.Lambda) else node
    if not isinstance(body, nodes.AttrSet):
        return []
    heads = {_head(b) for b in body.bindings}
    if "config" not in heads and "options" not in heads:
        # The shorthand form: everything but `imports`, `_file`, … is configuration.
        kept = [b for b in body.bindings if _head(b) not in MODULE_KEYS]
        return [((), nodes.AttrSet(body.start, body.end, kept, body.rec))]
    out: list[tuple[tuple[str, ...], nodes.Node]] = []
    for b in body.bindings:
        if isinstance(b, nodes.AttrDef) and _head(b) == "config":
            if len(b.path) == 1:
                out.append(((), b.value))
            else:
                # `config.programs.git.enable = …`: the rest is a path, as in a set.
                out.append(((), nodes.AttrSet(b.start, b.end, [_tail(b)])))
    return out


def config_sets(root: nodes.Node) -> list[tuple[tuple[str, ...], nodes.Node]]:
    """The expressions holding a module file's configuration, each with its path
    prefix (empty)."""
    found = module_root(root)
    return _module_config(found) if module_body(root) is not None else []


def _tail(b: nodes.AttrDef) -> nodes.AttrDef:
    return nodes.AttrDef(b.path[1].start, b.end, b.path[1:], b.value)


def _wrapper_name(fn: nodes.Node) -> str | None:
    fn = strip(fn)
    if isinstance(fn, nodes.Var):
        return fn.name
    if isinstance(fn, nodes.Select) and isinstance(fn.path[-1], nodes.StaticKey):
        return fn.path[-1].name
    return None


def unwrap(value: nodes.Node) -> list[nodes.Node]:
    """What ``value`` defines, seen through the priority and condition wrappers."""
    out: list[nodes.Node] = []
    todo = [value]
    while todo:
        node = strip(todo.pop())
        name = _wrapper_name(_apply_fn(node)) if isinstance(node, nodes.Apply) else None
        if isinstance(node, nodes.Apply) and name in _WRAPPERS_1:
            arg = strip(node.arg)
            if name != "mkMerge":
                todo.append(arg)
            elif isinstance(arg, nodes.List):
                todo.extend(reversed(arg.items))
            else:  # `mkMerge (map f xs)`: what it merges is known once evaluated
                out.append(node)
            continue
        out.append(node)
    return out


def _apply_fn(node: nodes.Apply) -> nodes.Node:
    fn: nodes.Node = node.fn
    while isinstance(strip(fn), nodes.Apply):
        inner = strip(fn)
        assert isinstance(inner, nodes.Apply)
        fn = inner.fn
    return fn


def definitions(root: nodes.Node) -> Iterator[Definition]:
    """Every binding of the module's configuration, outermost first."""
    todo: list[tuple[tuple[str, ...], nodes.Node]] = list(reversed(config_sets(root)))
    while todo:
        prefix, expr = todo.pop()
        for node in unwrap(expr):
            if isinstance(node, nodes.List):
                todo.extend((prefix + (ITEM,), item) for item in reversed(node.items))
                continue
            if _is_module_fn(node):  # a module as a value (`perSystem`, a submodule)
                todo.extend((prefix + p, e) for p, e in reversed(_module_config(node)))
                continue
            if not isinstance(node, nodes.AttrSet):
                continue
            nested: list[tuple[tuple[str, ...], nodes.Node]] = []
            for b in node.bindings:
                if not isinstance(b, nodes.AttrDef):
                    continue
                keys: list[Key] = []
                for k in b.path:
                    if not isinstance(k, nodes.StaticKey):
                        break
                    keys.append(Key(k.name, k.start, k.end))
                whole = len(keys) == len(b.path)
                yield Definition(prefix, tuple(keys), b.value if whole else None, b)
                if whole:
                    nested.append((prefix + tuple(k.name for k in keys), b.value))
            todo.extend(reversed(nested))


def own_options(root: nodes.Node) -> set[tuple[str, ...]]:
    """The option paths the module declares itself (``options.a.b = mkOption …``):
    the set being consulted may not include this very module."""
    todo = _declared(module_body(root), ())
    # Modules written as values (`perSystem = { … }: { options.x = …; }`) too.
    for definition in definitions(root):
        for node in unwrap(definition.value) if definition.value is not None else ():
            if _is_module_fn(node):
                assert isinstance(node, nodes.Lambda)
                todo += _declared(strip(node.body), definition.path)
    out: set[tuple[str, ...]] = set()
    while todo:
        prefix, expr = todo.pop()
        node = strip(expr)
        if not isinstance(node, nodes.AttrSet):
            if prefix:
                out.add(prefix)
            continue
        for b in node.bindings:
            if not isinstance(b, nodes.AttrDef):
                continue
            names = [k.name for k in b.path if isinstance(k, nodes.StaticKey)]
            if len(names) == len(b.path):
                todo.append((prefix + tuple(names), b.value))
    return out


def _declared(
    body: nodes.Node | None, prefix: tuple[str, ...]
) -> list[tuple[tuple[str, ...], nodes.Node]]:
    """The ``options`` bindings of a module's body, each with the path it is at."""
    out: list[tuple[tuple[str, ...], nodes.Node]] = []
    for b in body.bindings if isinstance(body, nodes.AttrSet) else ():
        if isinstance(b, nodes.AttrDef) and _head(b) == "options":
            whole = nodes.AttrSet(b.start, b.end, [_tail(b)]) if len(b.path) > 1 else b.value
            out.append((prefix, whole))
    return out


@dataclass(frozen=True)
class Cursor:
    """An option path at a cursor.

    ``path``: the names before the segment under the cursor; ``key``: that
    segment (None: a new name is to be written, e.g. in an empty set).
    """

    path: tuple[str, ...]
    key: Key | None


def cursor_at(root: nodes.Node, offset: int) -> Cursor | None:
    """The option path at ``offset`` in a module's configuration, if any."""
    best: Cursor | None = None
    todo: list[tuple[tuple[str, ...], nodes.Node]] = list(config_sets(root))
    while todo:
        prefix, expr = todo.pop()
        for node in unwrap(expr):
            if not node.start <= offset <= node.end:
                continue
            if isinstance(node, nodes.List):
                todo.extend((prefix + (ITEM,), item) for item in node.items)
                continue
            if _is_module_fn(node):
                todo.extend((prefix + p, e) for p, e in _module_config(node))
                continue
            if not isinstance(node, nodes.AttrSet):
                continue
            if node.start < offset < node.end:
                best = Cursor(prefix, None)
            for b in node.bindings:
                if not isinstance(b, nodes.AttrDef) or not b.start <= offset <= b.end:
                    continue
                names: list[str] = []
                for k in b.path:
                    if k.start <= offset <= k.end:
                        if isinstance(k, nodes.StaticKey):
                            return Cursor(prefix + tuple(names), Key(k.name, k.start, k.end))
                        return None
                    if not isinstance(k, nodes.StaticKey):
                        break
                    names.append(k.name)
                else:
                    if b.value.start <= offset <= b.value.end:
                        best = None  # in a value: a path again only in a set there
                        todo.append((prefix + tuple(names), b.value))
    return best
