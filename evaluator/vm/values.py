"""Nix values as Python objects, and the requests frames yield to the loop.

Representation (chosen so the common path is a ``type(v) is ...`` check):

=============  ==========================================================
Nix            Python
=============  ==========================================================
int            ``int`` (wrapped to 64 bits by the arithmetic helpers)
float          ``float``
bool           ``bool`` (check ``type(v) is bool`` *before* ``int``)
null           ``None``
string         ``str``; a string with context is a :class:`CtxStr`
path           :class:`NixPath`
list           :class:`NixList` (a ``list`` never mutated once built)
attrset        :class:`Attrs` (a ``dict`` name -> value-or-thunk)
function       :class:`Closure`, :class:`PrimOp`, :class:`PrimOpApp`
(unevaluated)  :class:`Thunk`
=============  ==========================================================

The evaluation protocol: every frame (thunk body, function body, builtin)
is a Python generator. To force a value it does ``v = yield thunk`` (only
when ``type(thunk) is Thunk`` and the thunk is not yet evaluated; an
evaluated thunk is read as ``thunk.value``). To call a function it does
``r = yield Call(fn, arg)``. It returns its result with ``return``. Errors
are raised as :class:`evaluator.vm.errors.NixError` subclasses; the loop
throws them into the waiting parent frame, so ``tryEval`` is a
``try/except`` in a generator.

Extensions understood by :mod:`evaluator.vm.loop`: a frame may also yield a
generator (run as a sub-frame, its forced result sent back) or a plain value
(sent straight back); a frame may return a thunk, a ``Call`` or a generator
(evaluated in its place: a tail call); and ``Thunk.code``, ``Closure.code``
and ``PrimOp.fn`` may be plain functions returning such a result directly
(no generator frame when nothing needs forcing).
"""

from __future__ import annotations

from collections.abc import Callable, Generator, Iterable, Iterator, Mapping
from typing import Any

from evaluator.vm.errors import DependsOnUnknown

# A frame: yields requests (Thunk or Call), receives values, returns a value.
Frame = Generator[Any, Any, Any]


class Thunk:
    """A suspended computation, evaluated at most once.

    ``code`` is a zero-argument callable returning a new generator frame
    (a closure over its environment). While running, ``code`` is set to
    :data:`BLACKHOLE` so re-entry is detected as infinite recursion. Once
    done, ``code`` is ``None`` and ``value`` holds the result.
    """

    __slots__ = ("value", "code", "span")

    def __init__(
        self, code: Callable[[], Frame] | None, span: tuple[Any, int, int] | None = None
    ) -> None:
        self.value: Any = None
        self.code = code
        # (source, start, end) for error messages; None if unknown.
        self.span = span

    @staticmethod
    def ready(value: Any) -> Thunk:
        """A thunk that is already evaluated."""
        t = Thunk(None)
        t.value = value
        return t

    @property
    def done(self) -> bool:
        """Whether the value is available without evaluation."""
        return self.code is None


def _blackhole() -> Frame:  # pragma: no cover - never run, only compared
    raise AssertionError("blackhole run")
    yield


BLACKHOLE: Callable[[], Frame] = _blackhole


class Call:
    """Request: apply ``fn`` to ``arg`` and send back the (forced) result.

    One more form, only ever returned in tail position (generated `f a b`
    sites, ``runtime.apply_late``): ``fn`` a builtin of two or more arguments
    and ``arg`` a tuple of all of them, applied at once. A tuple is never a
    Nix value, so the form is unambiguous; it spares the partial application
    (``PrimOpApp``) such a call made only to be taken apart at once, and
    the trace names the builtin from ``fn`` either way.
    """

    __slots__ = ("fn", "arg", "span")

    def __init__(self, fn: Any, arg: Any, span: tuple[Any, int, int] | None = None) -> None:
        self.fn = fn
        self.arg = arg
        self.span = span


class Resume:
    """Request: run ``gen``, a frame already started that has asked for
    ``req``, as a sub-frame (``req`` is answered first, then ``gen`` goes on).

    For builtins that start a function's body themselves (see
    :func:`evaluator.builtins.support.peek`): a body that needs the loop is
    handed over as it stands, with no frame in between to relay its requests.
    Only ever yielded, never returned.
    """

    __slots__ = ("gen", "req")

    def __init__(self, gen: Frame, req: Any) -> None:
        self.gen = gen
        self.req = req


class CtxStr(str):
    """A string with a non-empty string context (see build-references.md).

    ``context`` is a frozenset of context elements (plain store paths,
    ``"!out!/nix/store/...drv"`` outputs, ``"=/nix/store/...drv"`` all).
    """

    __slots__ = ("context",)
    context: frozenset[str]

    def __new__(cls, value: str, context: frozenset[str]) -> CtxStr:
        obj = super().__new__(cls, value)
        obj.context = context
        return obj


def make_str(value: str, context: frozenset[str] | None) -> str:
    """A string value with ``context``, plain ``str`` when it is empty."""
    if context:
        return CtxStr(value, context)
    return value


def context_of(value: str) -> frozenset[str]:
    """The string context of a string value (empty for plain ``str``)."""
    if type(value) is CtxStr:
        return value.context
    return frozenset()


class NixPath:
    """A path value: an absolute, normalised path string."""

    __slots__ = ("path",)

    def __init__(self, path: str) -> None:
        self.path = path

    def __eq__(self, other: object) -> bool:
        return type(other) is NixPath and other.path == self.path

    def __hash__(self) -> int:
        return hash(("path", self.path))

    def __repr__(self) -> str:
        return f"NixPath({self.path!r})"


class NixList(list):  # type: ignore[type-arg]
    """A Nix list: elements are values or thunks. Never mutated once built."""

    __slots__ = ()


class Attrs(dict):  # type: ignore[type-arg]
    """A Nix attribute set: name -> value or thunk.

    ``positions`` optionally maps names to ``(file, line, column)`` for
    ``unsafeGetAttrPos``; shared, never mutated once built.

    There is no ``__init__``: construction is ``dict``'s own (in C), which
    made a Python ``__init__`` the single most expensive part of building a
    set. A set whose ``positions`` was never assigned reads ``None`` through
    :meth:`__getattr__` (only called when normal lookup fails); builders on
    hot paths assign ``positions`` themselves, which is one slot store.
    That hook makes every attribute lookup on a set slow (CPython 3.11
    specializes none on such a class: ``s.get(k, d)`` costs twice what
    ``dict.get(s, k, d)`` does), so hot code calls ``dict``'s methods.
    """

    __slots__ = ("positions",)
    positions: Mapping[str, Position] | None

    def __getattr__(self, name: str) -> Any:
        if name == "positions":
            return None
        raise AttributeError(name)


# Where an attribute is defined: (file, line, column).
Position = tuple[str, int, int]


class MergedPositions(Mapping[str, Position]):
    """The positions of ``a // b``, merged when first read.

    `//` is frequent and positions are read rarely (``unsafeGetAttrPos``,
    messages, the editor): copying both tables on every `//` doubled its
    cost. As in Nix, each attribute keeps the position of the side it comes
    from: ``a``'s table, less ``hidden`` (``b``'s names, when ``b``'s table
    may not place them all), then ``b``'s table. Parts may themselves be
    merges (a fold of `//`): they are applied in order without recursion.
    """

    __slots__ = ("_parts", "_table")

    def __init__(
        self,
        first: Mapping[str, Position],
        second: Mapping[str, Position] | None,
        hidden: Iterable[str] | None,
    ) -> None:
        self._parts: tuple[Any, Any, Any] | None = (first, second, hidden)
        self._table: dict[str, Position] | None = None

    def table(self) -> dict[str, Position]:
        """The merged table (computed once; the parts are then let go)."""
        table = self._table
        if table is None:
            table = {}
            todo: list[Any] = [self]
            while todo:
                part = todo.pop()
                if type(part) is MergedPositions:
                    if part._table is not None:
                        table.update(part._table)
                        continue
                    first, second, hidden = part._parts  # type: ignore[misc]
                    if second:
                        todo.append(second)
                    if hidden is not None:
                        todo.append(_Hidden(hidden))
                    todo.append(first)
                elif type(part) is _Hidden:
                    for name in part.names:
                        table.pop(name, None)
                else:
                    table.update(part)
            self._table, self._parts = table, None
        return table

    def __bool__(self) -> bool:
        # Readers test a table's truth only as "is there a table" before a
        # lookup: true without merging (an empty merge just finds nothing).
        return True

    def __getitem__(self, name: str) -> Position:
        return self.table()[name]

    def __contains__(self, name: object) -> bool:
        return name in self.table()

    def __iter__(self) -> Iterator[str]:
        return iter(self.table())

    def __len__(self) -> int:
        return len(self.table())


class _Hidden:
    """Names whose positions a merge drops (see :class:`MergedPositions`)."""

    __slots__ = ("names",)

    def __init__(self, names: Iterable[str]) -> None:
        self.names = names


def merge_positions(a: Attrs, b: Attrs) -> Mapping[str, Position] | None:
    """The positions of ``a // b`` (shared or merged lazily, never copied here)."""
    pa = a.positions
    pb = b.positions
    if pa is None or (type(pa) is dict and not pa):
        return pb
    if not pb and type(pa) is dict and pa.keys().isdisjoint(b):
        return pa
    # (Made without `__init__`'s Python frame: most `//`s make one.)
    merged = _new(MergedPositions)
    merged._table = None
    if type(pb) is dict and len(pb) == len(b) and pb.keys() == dict.keys(b):
        # `b`'s table places exactly its names (a literal's): no hiding.
        merged._parts = (pa, pb, None)
    else:
        merged._parts = (pa, pb or None, dict.keys(b))
    return merged


_new = object.__new__


# The empty set, for builtins that return one (never mutated: sets are
# immutable once built; `//` and the builtins copy before changing).
EMPTY_ATTRS = Attrs()
EMPTY_ATTRS.positions = None


class Closure:
    """A Nix lambda with its environment.

    ``code(arg)`` returns the body's generator frame. ``formals`` is
    ``None`` for a plain `x:` lambda, else a dict name -> has_default, with
    ``ellipsis`` telling whether extra attributes are allowed (used by
    ``functionArgs`` and the call-site checks, which ``code`` performs).
    ``param`` is the argument's name (`x` in `x: ...`, `args` in
    `args@{ ... }: ...`), used by ``toXML``; ``None`` if there is none.
    ``curried`` is set by the code generator for a lambda `a: b: body` whose
    body only makes the inner closure: the inner body's function (applied to
    the captures, `a` and `b`), or a 1-tuple of it when `a` is unused (applied
    to the captures and `b`), or ``(that, twin)`` when the inner body has a
    plain twin (``codegen_functions._plain_twin``); builtins applying a
    function to two arguments start that body directly
    (``builtins.support.curried_inner``, ``two_argument_plain``).
    """

    __slots__ = ("code", "formals", "ellipsis", "name", "span", "param", "curried")

    def __init__(
        self,
        code: Callable[[Any], Frame],
        formals: dict[str, bool] | None = None,
        ellipsis: bool = False,
        name: str | None = None,
        span: tuple[Any, int, int] | None = None,
        param: str | None = None,
        curried: Any = None,
    ) -> None:
        self.code = code
        self.formals = formals
        self.ellipsis = ellipsis
        self.name = name
        self.span = span
        self.param = param
        self.curried = curried


class PrimOp:
    """A builtin function of ``arity`` arguments.

    ``fn(*args)`` returns a generator frame; args arrive unforced (values
    or thunks) and the builtin forces what it needs.
    """

    __slots__ = ("name", "arity", "fn", "doc")

    def __init__(self, name: str, arity: int, fn: Callable[..., Frame], doc: str = "") -> None:
        self.name = name
        self.arity = arity
        self.fn = fn
        self.doc = doc

    def __repr__(self) -> str:
        return f"PrimOp({self.name})"


class PrimOpApp:
    """A builtin applied to fewer arguments than its arity."""

    __slots__ = ("op", "args")

    def __init__(self, op: PrimOp, args: tuple[Any, ...]) -> None:
        self.op = op
        self.args = args


class Unknown:
    """A value nobody knows here: a function's argument when the function is
    looked at rather than called (an editor evaluating a file that is a
    function, or an expression inside a function's body).

    It stands in a thunk (:meth:`thunk`); anything that needs the value
    forces it and gets :class:`evaluator.vm.errors.DependsOnUnknown`, which
    carries this object, so what a result depends on is known precisely
    (and a value holding it lazily, such as a set, stays printable).
    ``argument`` is the argument's name; ``description`` says which one.
    """

    __slots__ = ("argument", "description")

    def __init__(self, argument: str, description: str) -> None:
        self.argument = argument
        self.description = description

    def thunk(self) -> Thunk:
        """A thunk whose forcing raises ``DependsOnUnknown(self)``."""
        return Thunk(self._frame)

    def _frame(self) -> Frame:
        raise DependsOnUnknown(self)
        yield  # a generator frame


def type_name(value: Any) -> str:
    """The Nix type name, as `builtins.typeOf` reports it."""
    t = type(value)
    if t is bool:
        return "bool"
    if t is int:
        return "int"
    if t is float:
        return "float"
    if t is str or t is CtxStr:
        return "string"
    if value is None:
        return "null"
    if t is NixList:
        return "list"
    if t is Attrs:
        return "set"
    if t is NixPath:
        return "path"
    if t is Closure or t is PrimOp or t is PrimOpApp:
        return "lambda"
    if t is Thunk:
        return "thunk"
    raise TypeError(f"not a Nix value: {value!r}")


def show_type(v: Any) -> str:
    """The type description C++ Nix uses in error messages (``showType``)."""
    t = type(v)
    if t is str:
        return "a string"
    if t is CtxStr:
        return "a string with context"
    if t is bool:
        return "a Boolean"
    if t is int:
        return "an integer"
    if t is float:
        return "a float"
    if v is None:
        return "null"
    if t is Attrs:
        return "a set"
    if t is NixList:
        return "a list"
    if t is NixPath:
        return "a path"
    if t is Closure:
        return "a function"
    if t is PrimOp:
        return f"the built-in function '{v.name}'"
    if t is PrimOpApp:
        return f"the partially applied built-in function '{v.op.name}'"
    if t is Thunk:
        return "a thunk"
    return "an external value"
