"""The Nix syntax tree.

Every node carries ``start``/``end``: byte offsets into the UTF-8 source
(``end`` exclusive). Positions in LSP terms are computed at the server edge
(see :mod:`evaluator.syntax.positions`).

The tree is the contract between the parser, the compiler and the server:
fields are plain data, no behaviour beyond traversal helpers.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field, fields


@dataclass(eq=False, slots=True)
class Node:
    """Base of every syntax node: a byte span ``[start, end)``."""

    start: int
    end: int

    def children(self) -> Iterator[Node]:
        """Direct child nodes, in source order."""
        names = _CHILD_FIELDS.get(type(self))
        if names is None:
            names = _child_fields(type(self))
        for name in names:
            value = getattr(self, name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, Node):
                        yield item


# The fields that may hold child nodes, per node class: `dataclasses.fields`
# is too slow to call on every visit of a tree walk. Derived from the class
# definitions only, so filled on first use and never invalidated.
_CHILD_FIELDS: dict[type[Node], tuple[str, ...]] = {}


def _child_fields(cls: type[Node]) -> tuple[str, ...]:
    names = tuple(f.name for f in fields(cls) if f.name not in ("start", "end"))
    _CHILD_FIELDS[cls] = names
    return names


# ---------------------------------------------------------------- names


@dataclass(eq=False, slots=True)
class Ident(Node):
    """A name at a binding site (formal, argument, `@` name, inherited name)."""

    name: str


@dataclass(eq=False, slots=True)
class StaticKey(Node):
    """An attribute name known at parse time: `a`, `"a"`, `${"a"}`."""

    name: str


@dataclass(eq=False, slots=True)
class DynamicKey(Node):
    """An attribute name computed at run time: `${e}` or `"a${e}"`."""

    expr: Expr


AttrKey = StaticKey | DynamicKey


# ---------------------------------------------------------------- literals


@dataclass(eq=False, slots=True)
class Int(Node):
    value: int


@dataclass(eq=False, slots=True)
class Float(Node):
    value: float


@dataclass(eq=False, slots=True)
class Str(Node):
    """A string, plain or indented (indentation already stripped).

    ``parts`` alternates freely between literal text and interpolated
    expressions (``${e}``); adjacent literals are merged.
    """

    parts: list[str | Expr]
    indented: bool = False


@dataclass(eq=False, slots=True)
class Path(Node):
    """A path literal: `./a`, `/a`, `~/a`, `a/b`, with `${}` parts.

    ``parts`` as in :class:`Str`; the literal text is as written (the
    compiler makes it absolute against the file's directory).
    """

    parts: list[str | Expr]


@dataclass(eq=False, slots=True)
class SearchPath(Node):
    """`<nixpkgs/lib>`: ``path`` is the text between the brackets."""

    path: str


@dataclass(eq=False, slots=True)
class Uri(Node):
    """An unquoted URL literal (deprecated syntax): evaluates to a string."""

    value: str


@dataclass(eq=False, slots=True)
class CurPos(Node):
    """`__curPos`."""


# ---------------------------------------------------------------- expressions


@dataclass(eq=False, slots=True)
class Var(Node):
    """A variable reference. The compiler fills ``resolution``."""

    name: str
    resolution: object | None = field(default=None)


@dataclass(eq=False, slots=True)
class Paren(Node):
    """`( e )`: kept so spans of selections and hovers are exact."""

    expr: Expr


@dataclass(eq=False, slots=True)
class Select(Node):
    """`e.a.b` or `e.a.b or default`."""

    expr: Expr
    path: list[AttrKey]
    default: Expr | None = None


@dataclass(eq=False, slots=True)
class HasAttr(Node):
    """`e ? a.b`."""

    expr: Expr
    path: list[AttrKey]


@dataclass(eq=False, slots=True)
class Apply(Node):
    """Function application `f x`."""

    fn: Expr
    arg: Expr


@dataclass(eq=False, slots=True)
class Unary(Node):
    """`!e` (op ``"!"``) or `-e` (op ``"-"``)."""

    op: str
    expr: Expr


@dataclass(eq=False, slots=True)
class Binary(Node):
    """A binary operator; ``op`` is its source spelling (`+`, `//`, `->`...)."""

    op: str
    left: Expr
    right: Expr


@dataclass(eq=False, slots=True)
class If(Node):
    cond: Expr
    then: Expr
    else_: Expr


@dataclass(eq=False, slots=True)
class Assert(Node):
    cond: Expr
    body: Expr


@dataclass(eq=False, slots=True)
class With(Node):
    env: Expr
    body: Expr


@dataclass(eq=False, slots=True)
class List(Node):
    items: list[Expr]


# ---------------------------------------------------------------- bindings


@dataclass(eq=False, slots=True)
class AttrDef(Node):
    """`a.b.c = value;`"""

    path: list[AttrKey]
    value: Expr


@dataclass(eq=False, slots=True)
class Inherit(Node):
    """`inherit a b;` or `inherit (from_) a b;`."""

    from_: Expr | None
    names: list[StaticKey]


BindingNode = AttrDef | Inherit


@dataclass(eq=False, slots=True)
class AttrSet(Node):
    """`{ ... }` or `rec { ... }`."""

    bindings: list[BindingNode]
    rec: bool = False


@dataclass(eq=False, slots=True)
class Let(Node):
    """`let bindings in body`."""

    bindings: list[BindingNode]
    body: Expr


@dataclass(eq=False, slots=True)
class LegacyLet(Node):
    """`let { bindings }` (deprecated): a rec set whose `body` is the value."""

    bindings: list[BindingNode]


@dataclass(eq=False, slots=True)
class Formal(Node):
    """One entry of a formals pattern: `name` or `name ? default`."""

    name: Ident
    default: Expr | None = None


@dataclass(eq=False, slots=True)
class Formals(Node):
    """`{ a, b ? 1, ... }`."""

    entries: list[Formal]
    ellipsis: bool = False


@dataclass(eq=False, slots=True)
class Lambda(Node):
    """`x: body`, `{ formals }: body`, `args@{ formals }: body`.

    Exactly one of ``param``/``formals`` is set, except with `@` where both
    are (``param`` is then the `@` name).
    """

    param: Ident | None
    formals: Formals | None
    body: Expr


@dataclass(eq=False, slots=True)
class Error(Node):
    """A region the parser could not make sense of (error recovery)."""

    message: str = ""


Expr = (
    Int
    | Float
    | Str
    | Path
    | SearchPath
    | Uri
    | CurPos
    | Var
    | Paren
    | Select
    | HasAttr
    | Apply
    | Unary
    | Binary
    | If
    | Assert
    | With
    | List
    | AttrSet
    | Let
    | LegacyLet
    | Lambda
    | Error
)


def walk(root: Node) -> Iterator[Node]:
    """Pre-order traversal without Python recursion (trees can be deep)."""
    stack: list[Node] = [root]
    while stack:
        node = stack.pop()
        yield node
        kids = list(node.children())
        kids.reverse()
        stack.extend(kids)
