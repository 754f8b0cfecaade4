"""References, highlights and rename of local names, as spans of the document.

A rename is refused (:class:`RenameRefused`, with the reason a user reads)
when it would change the program: formals and `rec` attributes are part of
an interface, `inherit` ties names together, and a new name must not
capture or be captured by another binding.
"""

from __future__ import annotations

import enum
from typing import Any

from evaluator.compiler.bindings import InheritEntry
from evaluator.compiler.model import Binding, BindingKind, LocalRef, Scope, WithRef
from evaluator.syntax import nodes
from nixls.ide.tree import is_identifier, walk
from nixls.ide.workspace import Unit

Span = tuple[int, int]


class RenameRefused(Exception):
    """A rename that would change the program; the message says why."""

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class Access(enum.Enum):
    """How a highlighted occurrence uses its name."""

    READ = "read"
    WRITE = "write"


def _binding_spans(binding: Binding) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """(definition span, reference spans) without duplicates."""
    definition = binding.name_span
    refs: list[tuple[int, int]] = []
    seen = {definition}
    for var in binding.references:
        span = (var.start, var.end)
        if span not in seen:
            seen.add(span)
            refs.append(span)
    refs.sort()
    return definition, refs


def references(doc: Unit, offset: int, include_declaration: bool) -> list[Span]:
    """Every use of the local binding at ``offset`` (and its definition if asked)."""
    binding = doc.analysis.binding_at(offset)
    if binding is None:
        return []
    definition, refs = _binding_spans(binding)
    return ([definition] if include_declaration else []) + refs


def highlights(doc: Unit, offset: int) -> list[tuple[Span, Access]]:
    """The binding at ``offset``: its definition (write) and uses (read)."""
    binding = doc.analysis.binding_at(offset)
    if binding is None:
        return []
    definition, refs = _binding_spans(binding)
    return [(definition, Access.WRITE)] + [(s, Access.READ) for s in refs]


def _line_of(doc: Unit, offset: int) -> int:
    return doc.line_char(offset)[0] + 1


def renameable(doc: Unit, offset: int) -> Binding:
    """The local binding at ``offset`` if it may be renamed; else :class:`RenameRefused`."""
    analysis = doc.analysis
    binding = analysis.binding_at(offset)
    if binding is None:
        var = analysis.var_at(offset)
        if var is not None and isinstance(var.resolution, WithRef):
            raise RenameRefused(
                f"`{var.name}` comes from a `with`; only local names can be renamed"
            )
        if var is not None:
            raise RenameRefused(f"`{var.name}` is a builtin; only local names can be renamed")
        raise RenameRefused("no local name here to rename")
    if binding.kind is BindingKind.FORMAL:
        raise RenameRefused(
            f"`{binding.name}` is a formal argument: renaming it would change how the "
            "function is called"
        )
    if binding.kind is BindingKind.REC_ATTR:
        raise RenameRefused(
            f"`{binding.name}` is an attribute of a `rec` set: renaming it would change "
            "the set's attributes"
        )
    # `inherit x;` is both a use of an outer `x` and a new `x`: both names are tied.
    if analysis.inherited_var(binding) is not None:
        raise RenameRefused(
            f"`{binding.name}` is defined by `inherit`, which ties it to the outer "
            f"`{binding.name}`; rename that one or replace the inherit first"
        )
    inherit_vars = _inherit_vars(analysis)
    for var in binding.references:
        if id(var) in inherit_vars:
            raise RenameRefused(
                f"`{binding.name}` is inherited on line {_line_of(doc, var.start)}; "
                "`inherit` cannot rename, so renaming would change that attribute's name"
            )
    return binding


def _inherit_vars(analysis: Any) -> set[int]:
    """ids of the `Var`s that plain ``inherit x;`` entries read."""
    out: set[int] = set()
    for merged in analysis.bindings.values():
        for entry in merged.static.values():
            if isinstance(entry, InheritEntry) and entry.var is not None:
                out.add(id(entry.var))
    return out


def _chain(scope: Scope | None) -> list[Scope]:
    out = []
    while scope is not None:
        out.append(scope)
        scope = scope.parent
    return out


def check_capture(doc: Unit, binding: Binding, new_name: str) -> None:
    """Refuse a rename that would change what some name refers to."""
    analysis = doc.analysis
    if not is_identifier(new_name):
        raise RenameRefused(f"`{new_name}` is not a valid Nix identifier")
    if new_name == binding.name:
        return
    own = binding.scope
    if new_name in own.bindings:
        other = own.bindings[new_name]
        raise RenameRefused(
            f"`{new_name}` is already defined in the same scope "
            f"(line {_line_of(doc, other.name_span[0])})"
        )
    # 1. A use of the binding would find an inner `new_name` first.
    for var in binding.references:
        for scope in _chain(analysis.scope_at(var.start)):
            if scope is own:
                break
            inner = scope.bindings.get(new_name)
            if inner is not None:
                raise RenameRefused(
                    f"renaming to `{new_name}` would make the use on line "
                    f"{_line_of(doc, var.start)} refer to the `{new_name}` defined on line "
                    f"{_line_of(doc, inner.name_span[0])}"
                )
    # 2. An existing `new_name` inside the binding's scope would now find it.
    scope_node = own.node
    region = (scope_node.start, scope_node.end) if scope_node is not None else (0, 1 << 62)
    for node in walk(doc.parse_result.root):
        if not (isinstance(node, nodes.Var) and node.name == new_name):
            continue
        if not (region[0] <= node.start < region[1]):
            continue
        chain = _chain(analysis.scope_at(node.start))
        if own not in chain:
            continue
        res = node.resolution
        inner_scopes = chain[: chain.index(own)]
        if isinstance(res, LocalRef) and res.binding.scope in inner_scopes:
            continue  # resolved to something closer: unaffected
        raise RenameRefused(
            f"renaming to `{new_name}` would capture the use of `{new_name}` on line "
            f"{_line_of(doc, node.start)}, which refers to something else now"
        )


def rename_spans(doc: Unit, offset: int, new_name: str) -> list[Span]:
    """The spans to replace by ``new_name`` to rename the local binding at ``offset``."""
    binding = renameable(doc, offset)
    check_capture(doc, binding, new_name)
    definition, refs = _binding_spans(binding)
    return [definition, *refs]


def rename_target(doc: Unit, offset: int) -> tuple[Span, str]:
    """The occurrence under the cursor and the name a rename starts from."""
    binding = renameable(doc, offset)
    span = binding.name_span
    for var in binding.references:
        if var.start <= offset <= var.end:
            span = (var.start, var.end)
    return span, binding.name
