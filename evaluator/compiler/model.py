"""The compiler's model of scopes: what each name refers to.

Scope analysis fills :attr:`evaluator.syntax.nodes.Var.resolution` with one
of :class:`LocalRef`, :class:`WithRef` or :class:`GlobalRef`. Code
generation (the VM's input) and the language server both read this model;
neither redoes name resolution.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum

from evaluator.syntax import nodes


class ScopeKind(Enum):
    """What introduced a scope."""

    FILE = "file"  # the root: globals only
    LET = "let"  # `let ... in` and legacy `let { }`
    REC = "rec"  # `rec { }`: its static attribute names
    LAMBDA = "lambda"  # argument, formals and `@` name of one function
    WITH = "with"  # `with e;`: no static names, dynamic lookup


class BindingKind(Enum):
    """How a name was bound."""

    LET = "let"
    REC_ATTR = "rec-attr"
    ARGUMENT = "argument"  # `x: ...`
    FORMAL = "formal"  # `{ x }: ...`
    AT = "at"  # `args@{ ... }: ...`


@dataclass(eq=False, slots=True)
class Binding:
    """One name bound in one scope.

    ``node`` is the binding site (the `AttrDef` / `Inherit` / `Formal` /
    `Ident`), ``name_node`` the name itself (a key or `Ident`) and
    ``name_span`` its span (read from the node, so it follows edits of the
    tree). ``value`` is the
    expression whose value the name has (``None`` for arguments). For
    ``inherit x;`` inside a let/rec, ``value`` is the `Var` that reads the
    outer ``x`` (the parser does not create it; the compiler does, with the
    span of the inherited name). ``references`` lists every `Var` resolved
    to this binding. ``entry`` is, for let and rec bindings, the merged
    entry (:mod:`evaluator.compiler.bindings`) the name comes from: what code
    generation compiles (it also covers nested and ``inherit (e)`` names).
    """

    name: str
    kind: BindingKind
    scope: Scope
    node: nodes.Node
    name_node: nodes.Node
    value: nodes.Node | None = None
    references: list[nodes.Var] = field(default_factory=list)
    entry: object | None = None

    @property
    def name_span(self) -> tuple[int, int]:
        """Byte span of the bound name."""
        return (self.name_node.start, self.name_node.end)


@dataclass(eq=False, slots=True)
class Scope:
    """A lexical scope. ``node`` is the `Let`/`AttrSet`/`Lambda`/`With`."""

    kind: ScopeKind
    node: nodes.Node | None
    parent: Scope | None
    bindings: dict[str, Binding] = field(default_factory=dict)
    # For WITH scopes: the `Var`s resolved through this `with`.
    with_uses: list[nodes.Var] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class LocalRef:
    """A let binding, rec attribute, argument, formal or `@` name.

    Whether it is captured (an upvalue) follows from comparing the
    binding's enclosing function with the reference's; code generation
    decides slots.
    """

    binding: Binding


@dataclass(frozen=True, slots=True)
class WithRef:
    """Resolved dynamically through the enclosing `with` scopes.

    ``withs`` lists them innermost first. Only names that are neither local
    nor global get here: in Nix every lexical binding, globals included,
    wins over `with` (`with { true = 1; }; true` is `true`).
    """

    withs: tuple[Scope, ...]


@dataclass(frozen=True, slots=True)
class GlobalRef:
    """A builtin visible without `builtins.` (`true`, `map`, `builtins`...)."""

    name: str
