"""The editor's questions about option paths in a module file, answered from
an :class:`~nixls.ide.options.tree.OptionTree` in plain data: completion
items, hover Markdown, declaration places, diagnostics and their fixes.

Every function here forces parts of the option set, so callers run them on
a worker thread while holding the set (:meth:`OptionTree.reading`).
"""

from __future__ import annotations

import difflib
import os
from collections.abc import Callable
from dataclasses import dataclass

from evaluator.compiler.diagnostics import Diagnostic, Severity, Tag
from evaluator.syntax import nodes
from evaluator.vm.values import NixList, Thunk
from nixls.ide.options.paths import (
    MODULE_KEYS,
    Cursor,
    Key,
    definitions,
    own_options,
    unwrap,
)
from nixls.ide.options.tree import Declaration, OptionDoc, OptionTree

UNKNOWN = "unknown-option"
BAD_TYPE = "option-type"
READ_ONLY = "read-only-option"
RENAMED = "renamed-option"
REMOVED = "removed-option"
DOCS_INLINE = 60  # completion lists up to this long carry their documentation
MAX_DIAGNOSTICS = 200
MAX_LAZY = 100  # values evaluated to check them, per module
# The lazy value of a node of the module (in the set's evaluator).
ValueOf = Callable[[nodes.Node], Thunk]


@dataclass(frozen=True)
class OptionItem:
    """One completion item: an option or a group of options."""

    name: str
    path: tuple[str, ...]
    is_option: bool
    type: str | None
    replace: tuple[int, int]
    documentation: str | None = None


@dataclass(frozen=True)
class OptionFix:
    """A quick fix: replace ``[start, end)`` of the file with ``text``."""

    title: str
    start: int
    end: int
    text: str


def dotted(path: tuple[str, ...]) -> str:
    """``programs.git.enable`` (names that need it quoted)."""
    return ".".join(
        p if p.replace("-", "").replace("_", "").isalnum() or p in ("*",) else f'"{p}"'
        for p in path
    )


# ---------------------------------------------------------------- completion


def completion(
    tree: OptionTree, cursor: Cursor, replace: tuple[int, int]
) -> list[OptionItem] | None:
    """The names that may be written at ``cursor`` (None: no option context)."""
    place = tree.place(cursor.path)
    if place is None or place.kind != "group":
        return None
    # `_module` (the module system's own arguments and checks) is rarely written.
    children = [c for c in tree.children(cursor.path) if c.visible and c.name != "_module"]
    inline = len(children) <= DOCS_INLINE
    items = []
    for child in children:
        path = cursor.path + (child.name,)
        doc = markdown(tree, path, base=None) if inline and child.is_option else None
        items.append(OptionItem(child.name, path, child.is_option, child.type, replace, doc))
    return items


# ---------------------------------------------------------------- hover


def markdown(tree: OptionTree, path: tuple[str, ...], base: str | None) -> str | None:
    """The hover of the option (or group) at ``path``; ``base`` shortens file names."""
    doc = tree.doc(path)
    if doc is None:
        place = tree.place(path)
        if place is None:
            return None
        if place.kind == "group":
            count = len(tree.children(path))
            return f"**`{dotted(path)}`**: a set of {count} option{'s' if count != 1 else ''}"
        if place.option is not None and place.option != path:
            return f"**`{dotted(path)}`**: a name in the value of `{dotted(place.option)}`"
        return None
    return option_markdown(doc, base)


def option_markdown(doc: OptionDoc, base: str | None) -> str:
    """An option's documentation as Markdown paragraphs."""
    parts = [f"**`{dotted(doc.path)}`**" + (" *(read-only)*" if doc.read_only else "")]
    if doc.renamed_to:
        parts.append(f"Renamed: use `{doc.renamed_to}` instead.")
    if doc.removed:
        parts.append(f"Removed: {doc.removed}")
    facts = [f"*Type:* `{doc.type}`"]
    if doc.default is not None:
        facts.append(f"*Default:* {_code(doc.default)}")
    if doc.example is not None:
        facts.append(f"*Example:* {_code(doc.example)}")
    if not doc.renamed_to:  # an alias's type is borrowed from its target
        parts.append("  \n".join(facts))
    if doc.description:
        parts.append(doc.description.strip())
    if doc.declarations:
        where = ", ".join(f"`{_short(d, base)}`" for d in doc.declarations)
        parts.append(f"*Declared in:* {where}")
    return "\n\n".join(parts)


def _code(text: str) -> str:
    text = text.strip()
    if "\n" in text:
        return f"\n```nix\n{text}\n```"
    return f"`` {text} ``" if "`" in text else f"`{text}`"


def _short(decl: Declaration, base: str | None) -> str:
    name = decl.file
    if base is not None and name.startswith(base.rstrip(os.sep) + os.sep):
        name = os.path.relpath(name, base)
    return f"{name}:{decl.line}" if decl.line else name


# ---------------------------------------------------------------- definition


def declarations(tree: OptionTree, path: tuple[str, ...]) -> list[Declaration]:
    """Where the option at ``path`` is declared (a group: where its first option is)."""
    doc = tree.doc(path)
    if doc is not None:
        return list(doc.declarations)
    place = tree.place(path)
    if place is None or place.kind != "group":
        return []
    for child in tree.children(path)[:20]:
        if child.is_option:
            found = tree.doc(path + (child.name,))
            if found is not None and found.declarations:
                return [Declaration(found.declarations[0].file)]
    return []


# ---------------------------------------------------------------- diagnostics


def suggestions(names: list[str], wrong: str) -> list[str]:
    """Up to three names close to ``wrong``, nearest first."""
    return difflib.get_close_matches(wrong, names, n=3, cutoff=0.6)


def diagnostics(
    tree: OptionTree, root: nodes.Node, values: ValueOf | None = None, file: str | None = None
) -> tuple[list[Diagnostic], list[OptionFix]]:
    """Unknown, ill-typed, read-only, renamed and removed options the module defines.

    Values that are not literals are type-checked when ``values`` gives their
    lazy value (evaluated within a small budget, ``lib`` calls included; skipped
    when they depend on the module's other arguments). A read-only option may
    be defined by the module ``file`` that declares it, or by the only one
    defining it."""
    found: list[Diagnostic] = []
    fixes: list[OptionFix] = []
    lazy = [MAX_LAZY]
    # Options this module declares that the set does not know (it may not include
    # this module): their definitions are not judged.
    declared = own_options(root)
    own = {p for p in declared if tree.place(p) is None}
    for definition in definitions(root):
        if len(found) >= MAX_DIAGNOSTICS:
            break
        path = definition.path
        if any(path[: len(p)] == p or p[: len(path)] == path for p in own):
            continue  # an option of this module (the set may not include it)
        ok = _check_keys(tree, definition.prefix, definition.keys, found, fixes)
        if ok and definition.value is not None and definition.keys:
            value = definition.value
            here = path in declared

            def only(path: tuple[str, ...] = path, here: bool = here) -> bool:
                return here or not tree.defined_elsewhere(path, file)

            _check_value(tree, path, definition.keys[-1], value, found, values, lazy, only)
    return found, fixes


def _check_keys(
    tree: OptionTree,
    prefix: tuple[str, ...],
    keys: tuple[Key, ...],
    found: list[Diagnostic],
    fixes: list[OptionFix],
) -> bool:
    """Report the first unknown name of a binding's path; whether all are known."""
    path = prefix
    for key in keys:
        above = tree.place(path)
        path = path + (key.name,)
        if above is None or above.kind != "group":
            return above is not None
        if tree.place(path) is not None:
            continue
        if above.module and key.name in MODULE_KEYS:
            return False  # `perSystem = { options = …; }`: a module's own structure
        names = [c.name for c in tree.children(path[:-1])]
        near = suggestions(names, key.name)
        message = f"unknown option `{dotted(path)}`"
        if near:
            message += "; did you mean " + " or ".join(f"`{n}`" for n in near) + "?"
            for name in near:
                fixes.append(OptionFix(f"Change to `{name}`", key.start, key.end, name))
        found.append(Diagnostic(UNKNOWN, Severity.WARNING, key.start, key.end, message))
        return False
    return True


def _check_value(
    tree: OptionTree,
    path: tuple[str, ...],
    key: Key,
    value: nodes.Node,
    found: list[Diagnostic],
    values: ValueOf | None,
    lazy: list[int],
    only_definition: Callable[[], bool] = lambda: False,
) -> None:
    doc = tree.doc(path)
    if doc is None:
        # A name in an option's value (`packages.default` of `attrsOf package`).
        element = tree.value_type(path)
        if element is not None:
            type_name, name = tree.type_name(element), dotted(path)
            _check_type(tree, path, value, type_name, name, found, values, lazy)
        return
    name = dotted(path)
    if doc.renamed_to:
        found.append(
            Diagnostic(
                RENAMED,
                Severity.HINT,
                key.start,
                key.end,
                f"`{name}` has been renamed to `{doc.renamed_to}`",
                (Tag.DEPRECATED,),
            )
        )
    if doc.removed:
        found.append(
            Diagnostic(
                REMOVED, Severity.WARNING, key.start, key.end, doc.removed, (Tag.DEPRECATED,)
            )
        )
    if doc.read_only and not only_definition():
        found.append(
            Diagnostic(
                READ_ONLY, Severity.ERROR, key.start, key.end, f"the option `{name}` is read-only"
            )
        )
    if doc.renamed_to or doc.removed:
        return  # the type of an alias is its target's, or a stand-in
    _check_type(tree, path, value, doc.type, name, found, values, lazy)


def _check_type(
    tree: OptionTree,
    path: tuple[str, ...],
    value: nodes.Node,
    type_name: str,
    name: str,
    found: list[Diagnostic],
    values: ValueOf | None,
    lazy: list[int],
) -> None:
    """Report the written values of ``value`` that fail the type check at ``path``."""
    for written in unwrap(value):
        literal = literal_value(written)
        if literal is not _NOT_LITERAL:
            ok, shown = tree.check(path, literal), value_text(written)
        elif values is not None and lazy[0] > 0 and _evaluable(written):
            lazy[0] -= 1
            ok, evaluated = tree.check_lazy(path, values(written))
            shown = f"this evaluates to {_code(evaluated)}, which"
        else:
            continue
        if ok is False:
            found.append(
                Diagnostic(
                    BAD_TYPE,
                    Severity.ERROR,
                    written.start,
                    written.end,
                    f"{shown} is not of type `{type_name}` (option `{name}`)",
                )
            )


_NOT_LITERAL = object()


def literal_value(node: nodes.Node) -> object:
    """The Nix value of a literal (string, number, boolean, null, list of those)."""
    if isinstance(node, nodes.Paren):
        return literal_value(node.expr)
    if isinstance(node, nodes.Str) and all(isinstance(p, str) for p in node.parts):
        return "".join(str(p) for p in node.parts)
    if isinstance(node, nodes.Int | nodes.Float):
        return node.value
    if isinstance(node, nodes.Var) and node.name in ("true", "false", "null"):
        from evaluator.compiler.model import GlobalRef

        if node.resolution is None or isinstance(node.resolution, GlobalRef):
            return {"true": True, "false": False, "null": None}[node.name]
        return _NOT_LITERAL
    if isinstance(node, nodes.List) and len(node.items) <= 100:
        items = [literal_value(i) for i in node.items]
        return _NOT_LITERAL if any(i is _NOT_LITERAL for i in items) else NixList(items)
    return _NOT_LITERAL


def _evaluable(node: nodes.Node) -> bool:
    """Whether a value is worth evaluating to check it: not a set or function (the
    definitions inside a set are checked one by one) nor a literal, nor one that
    reads the environment (which the editor's evaluation does not see)."""
    if isinstance(node, nodes.AttrSet | nodes.Lambda | nodes.Error):
        return False
    return not any(_names(n, "getEnv") for n in nodes.walk(node))


def _names(node: nodes.Node, name: str) -> bool:
    if isinstance(node, nodes.Var):
        return node.name == name
    if isinstance(node, nodes.Select):
        last = node.path[-1]
        return isinstance(last, nodes.StaticKey) and last.name == name
    return False


def value_text(node: nodes.Node) -> str:
    """How the diagnostic names the written value."""
    literal = literal_value(node)
    if isinstance(literal, str):
        return '"' + literal.replace('"', '\\"') + '"'
    if isinstance(literal, bool):
        return "true" if literal else "false"
    if literal is None:
        return "null"
    if isinstance(literal, list):
        return "a list"
    return str(literal)
