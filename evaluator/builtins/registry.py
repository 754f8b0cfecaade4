"""How a theme module declares its builtins (the table is built in :mod:`.table`).

A builtin is a generator function (see :mod:`evaluator.vm.values` for the
protocol) marked with :func:`builtin`; a constant is a module-level
:class:`Constant` made by :func:`constant` or :func:`context_constant`.
Declaring changes no shared state: :func:`evaluator.builtins.table.build`
collects the declarations of the theme modules it lists. The table is made
before those modules are imported (from :mod:`.catalog`): it holds *waiting*
builtins (:func:`waiting_primop`, :func:`waiting_closure`) that import
their module on first call, and the module's declaration fills them in, so
each builtin is one object either way.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from evaluator.vm.call_trace import register_builtin
from evaluator.vm.context import EvalContext
from evaluator.vm.values import Closure, Frame, PrimOp

# The attributes :func:`builtin` sets on the function it marks.
PRIMOP_ATTR = "__nix_primop__"
GLOBAL_ATTR = "__nix_global__"


def builtin(
    name: str, arity: int, *, global_: bool = False, doc: str = ""
) -> Callable[[Callable[..., Frame]], Callable[..., Frame]]:
    """Mark a generator function as `builtins.<name>`.

    ``global_`` also makes it visible as a plain name (`map`, `toString`...).
    Every builtin is also visible globally as ``__<name>`` like in Nix,
    except the global ones.
    """

    def mark(fn: Callable[..., Frame]) -> Callable[..., Frame]:
        text = doc or clean_doc(fn.__doc__ or "")
        primop = _WAITING.pop(name, None)
        if primop is None:
            primop = PrimOp(name, arity, fn, text)
        elif type(primop) is PrimOp and primop.arity == arity:
            primop.fn = fn
            primop.doc = text
        else:
            raise AssertionError(f"builtin {name}: {_STALE}")
        setattr(fn, PRIMOP_ATTR, primop)
        setattr(fn, GLOBAL_ATTR, global_)
        register_builtin(fn, name)
        return fn

    return mark


def clean_doc(doc: str) -> str:
    """A docstring without its source indentation, as ``inspect.cleandoc``
    makes it (without importing inspect, with ast and dis, at start-up)."""
    first, *rest = doc.expandtabs().split("\n")
    indent = min((len(line) - len(line.lstrip()) for line in rest if line.strip()), default=0)
    return "\n".join([first.lstrip(), *(line[indent:] for line in rest)]).strip()


class Constant:
    """A non-function builtin; ``factory`` computes it per evaluation if given."""

    # Not a NamedTuple: making one compiles Python source (a few ms at
    # every start-up).
    __slots__ = ("name", "value", "global_", "factory")

    def __init__(
        self,
        name: str,
        value: Any,
        global_: bool = False,
        factory: Callable[[EvalContext], Any] | None = None,
    ) -> None:
        self.name = name
        self.value = value
        self.global_ = global_
        self.factory = factory

    def __repr__(self) -> str:
        return f"Constant({self.name!r}, {self.value!r}, global_={self.global_!r})"


def constant(name: str, value: Any, *, global_: bool = False) -> Constant:
    """A builtin constant such as `true` or `nixVersion` (bind it at module level)."""
    waiting = _WAITING.pop(name, None)
    if waiting is not None:
        # The table's stand-in for a function constant becomes this function.
        if type(waiting) is not Closure or type(value) is not Closure:
            raise AssertionError(f"builtin {name}: {_STALE}")
        if (waiting.formals, waiting.ellipsis) != (value.formals, value.ellipsis):
            raise AssertionError(f"builtin {name}: {_STALE}")
        waiting.code = value.code
        waiting.name = value.name
        value = waiting
    return Constant(name, value, global_)


def context_constant(
    name: str, factory: Callable[[EvalContext], Any], *, global_: bool = False
) -> Constant:
    """A constant computed per evaluation from its EvalContext (bind it at module level)."""
    return Constant(name, None, global_, factory)


# ---------------------------------------------------------------- waiting builtins

_STALE = "differs from evaluator/builtins/catalog.py (python -m evaluator.builtins.make_catalog)"
# Builtins the table made before their module was imported, by name.
_WAITING: dict[str, PrimOp | Closure] = {}


def waiting_primop(name: str, arity: int, load_module: Callable[[], object]) -> PrimOp:
    """`builtins.<name>` before its theme module is imported: its first
    call runs ``load_module``, whose declarations set the real function."""

    def load(*args: Any) -> Any:
        load_module()
        if primop.fn is load:
            raise AssertionError(f"builtin {name} is not declared where the catalog says")
        return primop.fn(*args)

    primop = PrimOp(name, arity, load)
    _WAITING[name] = primop
    return primop


def waiting_closure(
    name: str, formals: dict[str, bool] | None, ellipsis: bool, load_module: Callable[[], object]
) -> Closure:
    """A function constant (`derivation`) before its theme module is imported."""

    def load(arg: Any) -> Any:
        load_module()
        if closure.code is load:
            raise AssertionError(f"builtin {name} is not declared where the catalog says")
        return closure.code(arg)

    closure = Closure(load, formals, ellipsis, name)
    _WAITING[name] = closure
    return closure
