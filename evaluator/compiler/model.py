"""The compiler's model of scopes: what each name refers to.

Scope analysis fills :attr:`evaluator.syntax.nodes.Var.resolution` with one
of :class:`LocalRef`, :class:`WithRef` or :class:`GlobalRef`. Code
generation (the VM's input) and the language server both read this model;
neither redoes name resolution.

Plain classes with ``__slots__``, not dataclasses: their generated methods
(and importing `dataclasses`) were a measurable part of a cold compile
(issue 16). References compare by identity, as the dataclasses did not.
"""

from __future__ import annotations

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

    __slots__ = ("name", "kind", "scope", "node", "name_node", "value", "references", "entry")

    name: str
    kind: BindingKind
    scope: Scope
    node: nodes.Node
    name_node: nodes.Node
    value: nodes.Node | None
    references: list[nodes.Var]
    entry: object | None

    def __init__(
        self,
        name: str,
        kind: BindingKind,
        scope: Scope,
        node: nodes.Node,
        name_node: nodes.Node,
        value: nodes.Node | None = None,
        references: list[nodes.Var] | None = None,
        entry: object | None = None,
    ) -> None:
        self.name = name
        self.kind = kind
        self.scope = scope
        self.node = node
        self.name_node = name_node
        self.value = value
        self.references = [] if references is None else references
        self.entry = entry

    @property
    def name_span(self) -> tuple[int, int]:
        """Byte span of the bound name."""
        return (self.name_node.start, self.name_node.end)


class Scope:
    """A lexical scope. ``node`` is the `Let`/`AttrSet`/`Lambda`/`With`."""

    __slots__ = ("kind", "node", "parent", "bindings", "with_uses")

    kind: ScopeKind
    node: nodes.Node | None
    parent: Scope | None
    bindings: dict[str, Binding]
    # For WITH scopes: the `Var`s resolved through this `with`.
    with_uses: list[nodes.Var]

    def __init__(self, kind: ScopeKind, node: nodes.Node | None, parent: Scope | None) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent
        self.bindings = {}
        self.with_uses = []


class LocalRef:
    """A let binding, rec attribute, argument, formal or `@` name.

    Whether it is captured (an upvalue) follows from comparing the
    binding's enclosing function with the reference's; code generation
    decides slots.
    """

    __slots__ = ("binding",)

    binding: Binding

    def __init__(self, binding: Binding) -> None:
        self.binding = binding


class WithRef:
    """Resolved dynamically through the enclosing `with` scopes.

    ``withs`` lists them innermost first. Only names that are neither local
    nor global get here: in Nix every lexical binding, globals included,
    wins over `with` (`with { true = 1; }; true` is `true`).
    """

    __slots__ = ("withs",)

    withs: tuple[Scope, ...]

    def __init__(self, withs: tuple[Scope, ...]) -> None:
        self.withs = withs


class GlobalRef:
    """A builtin visible without `builtins.` (`true`, `map`, `builtins`...)."""

    __slots__ = ("name",)

    name: str

    def __init__(self, name: str) -> None:
        self.name = name
