"""The Nix syntax tree.

Every node carries ``start``/``end``: byte offsets into the UTF-8 source
(``end`` exclusive). Positions in LSP terms are computed at the server edge
(see :mod:`evaluator.syntax.positions`).

The tree is the contract between the parser, the compiler and the server:
fields are plain data, no behaviour beyond traversal helpers.
"""

from __future__ import annotations

from collections.abc import Iterator


class Node:
    """Base of every syntax node: a byte span ``[start, end)``.

    Node classes are plain classes with ``__slots__`` and a written-out
    ``__init__`` (fields in ``__slots__`` order, the span first), not
    dataclasses: generating the methods of thirty classes, and importing
    `dataclasses`, was a tenth of a cold compile of nixpkgs lib (issue 16).
    """

    __slots__ = ("start", "end")

    start: int
    end: int

    def __init__(self, start: int, end: int) -> None:
        self.start = start
        self.end = end

    def __repr__(self) -> str:
        shown = ", ".join(f"{name}={getattr(self, name)!r}" for name in field_names(type(self)))
        return f"{type(self).__name__}({shown})"

    def children(self) -> Iterator[Node]:
        """Direct child nodes, in source order."""
        names = _CHILD_FIELDS.get(type(self))
        if names is None:
            names = child_fields(type(self))
        for name in names:
            value = getattr(self, name)
            if isinstance(value, Node):
                yield value
            elif isinstance(value, list):
                for item in value:
                    if isinstance(item, Node):
                        yield item


def field_names(cls: type[Node]) -> tuple[str, ...]:
    """A node class's fields in ``__init__`` order: ``start``, ``end``, then its own."""
    names = _FIELDS.get(cls)
    if names is None:
        slots = (k.__dict__.get("__slots__", ()) for k in reversed(cls.__mro__))
        names = _FIELDS[cls] = tuple(name for own in slots for name in own)
    return names


def child_fields(cls: type[Node]) -> tuple[str, ...]:
    """The fields of a node class that may hold nodes: all but the span and
    those declared as plain scalars (a `StaticKey` or an `Int` has none)."""
    names = _CHILD_FIELDS.get(cls)
    if names is None:
        declared: dict[str, object] = {}
        for klass in reversed(cls.__mro__):
            declared.update(klass.__dict__.get("__annotations__", {}))
        own = field_names(cls)[2:]
        names = _CHILD_FIELDS[cls] = tuple(f for f in own if declared.get(f) not in _SCALARS)
    return names


# Per node class, derived from the class definitions only: filled on first
# use and never invalidated (tree walks ask on every visit).
_FIELDS: dict[type[Node], tuple[str, ...]] = {}
_CHILD_FIELDS: dict[type[Node], tuple[str, ...]] = {}
# Declared field types that never hold a node.
_SCALARS = frozenset({"str", "int", "float", "bool"})


# ---------------------------------------------------------------- names


class Ident(Node):
    """A name at a binding site (formal, argument, `@` name, inherited name)."""

    __slots__ = ("name",)

    name: str

    def __init__(self, start: int, end: int, name: str) -> None:
        self.start = start
        self.end = end
        self.name = name


class StaticKey(Node):
    """An attribute name known at parse time: `a`, `"a"`, `${"a"}`."""

    __slots__ = ("name",)

    name: str

    def __init__(self, start: int, end: int, name: str) -> None:
        self.start = start
        self.end = end
        self.name = name


class DynamicKey(Node):
    """An attribute name computed at run time: `${e}` or `"a${e}"`."""

    __slots__ = ("expr",)

    expr: Expr

    def __init__(self, start: int, end: int, expr: Expr) -> None:
        self.start = start
        self.end = end
        self.expr = expr


AttrKey = StaticKey | DynamicKey


# ---------------------------------------------------------------- literals


class Int(Node):
    __slots__ = ("value",)

    value: int

    def __init__(self, start: int, end: int, value: int) -> None:
        self.start = start
        self.end = end
        self.value = value


class Float(Node):
    __slots__ = ("value",)

    value: float

    def __init__(self, start: int, end: int, value: float) -> None:
        self.start = start
        self.end = end
        self.value = value


class Str(Node):
    """A string, plain or indented (indentation already stripped).

    ``parts`` alternates freely between literal text and interpolated
    expressions (``${e}``); adjacent literals are merged.
    """

    __slots__ = ("parts", "indented")

    parts: list[str | Expr]
    indented: bool

    def __init__(
        self, start: int, end: int, parts: list[str | Expr], indented: bool = False
    ) -> None:
        self.start = start
        self.end = end
        self.parts = parts
        self.indented = indented


class Path(Node):
    """A path literal: `./a`, `/a`, `~/a`, `a/b`, with `${}` parts.

    ``parts`` as in :class:`Str`; the literal text is as written (the
    compiler makes it absolute against the file's directory).
    """

    __slots__ = ("parts",)

    parts: list[str | Expr]

    def __init__(self, start: int, end: int, parts: list[str | Expr]) -> None:
        self.start = start
        self.end = end
        self.parts = parts


class SearchPath(Node):
    """`<nixpkgs/lib>`: ``path`` is the text between the brackets."""

    __slots__ = ("path",)

    path: str

    def __init__(self, start: int, end: int, path: str) -> None:
        self.start = start
        self.end = end
        self.path = path


class Uri(Node):
    """An unquoted URL literal (deprecated syntax): evaluates to a string."""

    __slots__ = ("value",)

    value: str

    def __init__(self, start: int, end: int, value: str) -> None:
        self.start = start
        self.end = end
        self.value = value


class CurPos(Node):
    """`__curPos`."""

    __slots__ = ()


# ---------------------------------------------------------------- expressions


class Var(Node):
    """A variable reference. The compiler fills ``resolution``."""

    __slots__ = ("name", "resolution")

    name: str
    resolution: object | None

    def __init__(self, start: int, end: int, name: str, resolution: object | None = None) -> None:
        self.start = start
        self.end = end
        self.name = name
        self.resolution = resolution


class Paren(Node):
    """`( e )`: kept so spans of selections and hovers are exact."""

    __slots__ = ("expr",)

    expr: Expr

    def __init__(self, start: int, end: int, expr: Expr) -> None:
        self.start = start
        self.end = end
        self.expr = expr


class Select(Node):
    """`e.a.b` or `e.a.b or default`."""

    __slots__ = ("expr", "path", "default")

    expr: Expr
    path: list[AttrKey]
    default: Expr | None

    def __init__(
        self, start: int, end: int, expr: Expr, path: list[AttrKey], default: Expr | None = None
    ) -> None:
        self.start = start
        self.end = end
        self.expr = expr
        self.path = path
        self.default = default


class HasAttr(Node):
    """`e ? a.b`."""

    __slots__ = ("expr", "path")

    expr: Expr
    path: list[AttrKey]

    def __init__(self, start: int, end: int, expr: Expr, path: list[AttrKey]) -> None:
        self.start = start
        self.end = end
        self.expr = expr
        self.path = path


class Apply(Node):
    """Function application `f x`."""

    __slots__ = ("fn", "arg")

    fn: Expr
    arg: Expr

    def __init__(self, start: int, end: int, fn: Expr, arg: Expr) -> None:
        self.start = start
        self.end = end
        self.fn = fn
        self.arg = arg


class Unary(Node):
    """`!e` (op ``"!"``) or `-e` (op ``"-"``)."""

    __slots__ = ("op", "expr")

    op: str
    expr: Expr

    def __init__(self, start: int, end: int, op: str, expr: Expr) -> None:
        self.start = start
        self.end = end
        self.op = op
        self.expr = expr


class Binary(Node):
    """A binary operator; ``op`` is its source spelling (`+`, `//`, `->`...)."""

    __slots__ = ("op", "left", "right")

    op: str
    left: Expr
    right: Expr

    def __init__(self, start: int, end: int, op: str, left: Expr, right: Expr) -> None:
        self.start = start
        self.end = end
        self.op = op
        self.left = left
        self.right = right


class If(Node):
    __slots__ = ("cond", "then", "else_")

    cond: Expr
    then: Expr
    else_: Expr

    def __init__(self, start: int, end: int, cond: Expr, then: Expr, else_: Expr) -> None:
        self.start = start
        self.end = end
        self.cond = cond
        self.then = then
        self.else_ = else_


class Assert(Node):
    __slots__ = ("cond", "body")

    cond: Expr
    body: Expr

    def __init__(self, start: int, end: int, cond: Expr, body: Expr) -> None:
        self.start = start
        self.end = end
        self.cond = cond
        self.body = body


class With(Node):
    __slots__ = ("env", "body")

    env: Expr
    body: Expr

    def __init__(self, start: int, end: int, env: Expr, body: Expr) -> None:
        self.start = start
        self.end = end
        self.env = env
        self.body = body


class List(Node):
    __slots__ = ("items",)

    items: list[Expr]

    def __init__(self, start: int, end: int, items: list[Expr]) -> None:
        self.start = start
        self.end = end
        self.items = items


# ---------------------------------------------------------------- bindings


class AttrDef(Node):
    """`a.b.c = value;`"""

    __slots__ = ("path", "value")

    path: list[AttrKey]
    value: Expr

    def __init__(self, start: int, end: int, path: list[AttrKey], value: Expr) -> None:
        self.start = start
        self.end = end
        self.path = path
        self.value = value


class Inherit(Node):
    """`inherit a b;` or `inherit (from_) a b;`."""

    __slots__ = ("from_", "names")

    from_: Expr | None
    names: list[StaticKey]

    def __init__(self, start: int, end: int, from_: Expr | None, names: list[StaticKey]) -> None:
        self.start = start
        self.end = end
        self.from_ = from_
        self.names = names


BindingNode = AttrDef | Inherit


class AttrSet(Node):
    """`{ ... }` or `rec { ... }`."""

    __slots__ = ("bindings", "rec")

    bindings: list[BindingNode]
    rec: bool

    def __init__(
        self, start: int, end: int, bindings: list[BindingNode], rec: bool = False
    ) -> None:
        self.start = start
        self.end = end
        self.bindings = bindings
        self.rec = rec


class Let(Node):
    """`let bindings in body`."""

    __slots__ = ("bindings", "body")

    bindings: list[BindingNode]
    body: Expr

    def __init__(self, start: int, end: int, bindings: list[BindingNode], body: Expr) -> None:
        self.start = start
        self.end = end
        self.bindings = bindings
        self.body = body


class LegacyLet(Node):
    """`let { bindings }` (deprecated): a rec set whose `body` is the value."""

    __slots__ = ("bindings",)

    bindings: list[BindingNode]

    def __init__(self, start: int, end: int, bindings: list[BindingNode]) -> None:
        self.start = start
        self.end = end
        self.bindings = bindings


class Formal(Node):
    """One entry of a formals pattern: `name` or `name ? default`."""

    __slots__ = ("name", "default")

    name: Ident
    default: Expr | None

    def __init__(self, start: int, end: int, name: Ident, default: Expr | None = None) -> None:
        self.start = start
        self.end = end
        self.name = name
        self.default = default


class Formals(Node):
    """`{ a, b ? 1, ... }`."""

    __slots__ = ("entries", "ellipsis")

    entries: list[Formal]
    ellipsis: bool

    def __init__(self, start: int, end: int, entries: list[Formal], ellipsis: bool = False) -> None:
        self.start = start
        self.end = end
        self.entries = entries
        self.ellipsis = ellipsis


class Lambda(Node):
    """`x: body`, `{ formals }: body`, `args@{ formals }: body`.

    Exactly one of ``param``/``formals`` is set, except with `@` where both
    are (``param`` is then the `@` name).
    """

    __slots__ = ("param", "formals", "body")

    param: Ident | None
    formals: Formals | None
    body: Expr

    def __init__(
        self, start: int, end: int, param: Ident | None, formals: Formals | None, body: Expr
    ) -> None:
        self.start = start
        self.end = end
        self.param = param
        self.formals = formals
        self.body = body


class Error(Node):
    """A region the parser could not make sense of (error recovery)."""

    __slots__ = ("message",)

    message: str

    def __init__(self, start: int, end: int, message: str = "") -> None:
        self.start = start
        self.end = end
        self.message = message


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
