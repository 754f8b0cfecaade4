"""Functions of a unit compiled when first called.

`compile()` of generated functions was two fifths of a cold `import` of
nixpkgs lib, and most of what it compiled never ran: `(import lib).version`
compiles every small lambda of `trivial.nix` to evaluate one attribute. A
unit's module code therefore defines its root function (called as soon as
the unit loads) compiled, and every other function as a *stand-in*: a small
function that, on its first call, compiles the real code (with
``code_share``'s sharing, as before), puts it into the function object
(``__code__`` is writable, so every reference already taken — a
``Closure``, a ``partial`` — runs the real code from then on), registers it
for error locations and calls it.

A stand-in's code is named :data:`STAND_IN`, never a generated name: it is
never registered, so a traceback through it (the first call of a plain
function) adds no trace entry and no span. The texts of the functions not
compiled yet stay with their unit (``Unit.pending``) and are stored with it
in the disk cache; a unit written back holds the code compiled since.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from types import CodeType
from typing import TYPE_CHECKING, Any

from evaluator.vm.errors import NixError
from evaluator.vm.frames import CODE_INFO

if TYPE_CHECKING:
    from evaluator.compiler.compiled import Unit

# The global through which a stand-in reaches its loader (see `_Loader.late`).
LATE = "LATE_FN"
STAND_IN = "stand_in"
# The stand-in's lines are far below any generated line: no line span
# matches them even if a caller looked one up.
_NO_LINE = 1 << 28

_stand_in: CodeType | None = None
# `code_share`, imported by the first function compiled.
_code_share: Any = None
# Where the stand-in's constants hold its function's name (set with the template).
_name_at = -1


def _template() -> CodeType:
    global _stand_in, _name_at
    if _stand_in is None:
        # Only when something is compiled or stored, which imports `code_share` anyway.
        from evaluator.compiler.code_share import function_of

        code = function_of(
            f"def {STAND_IN}(*args, **kwargs):\n"
            f"    return {LATE}('\\x00root', '\\x00name')(*args, **kwargs)\n"
        )
        assert code is not None
        _stand_in = code.replace(co_firstlineno=_NO_LINE, co_filename="<late>")
        _name_at = _stand_in.co_consts.index("\x00name")
    return _stand_in


def stand_ins(root: str, names: list[str], filename: str) -> list[CodeType]:
    """The code of the stand-ins for functions ``names`` of the unit rooted at ``root``."""
    code = _template().replace(co_filename=filename)
    consts = [root if c == "\x00root" else c for c in code.co_consts]
    at = _name_at
    out = []
    for name in names:
        consts[at] = name
        out.append(code.replace(co_consts=tuple(consts)))
    return out


def function_names(functions: list[tuple[str, int]]) -> list[str]:
    """The names marked function texts (``def NAME(...)``) define."""
    from evaluator.compiler.codegen_base import NAME_MARK

    return [t[4 : t.index("(")].replace(NAME_MARK, "") for t, _ in functions]


def compile_function(unit: Unit, name: str, filename: str) -> CodeType:
    """The real code of ``unit``'s function ``name`` (compiled once, then kept)."""
    code = unit.late.get(name)
    if code is not None:
        return code
    marked, line = unit.pending[name]
    global _code_share
    if _code_share is None:
        # Only when something is compiled (a warm run that needs nothing new never does).
        from evaluator.compiler import code_share

        _code_share = code_share
    try:
        code = _code_share.function_code(marked, filename, line, kept=True)
    except (SyntaxError, RecursionError, MemoryError) as exc:
        # Python's own limits (nesting, size) on the generated code.
        info = unit.infos.get(name)
        raise NixError("expression nested too deeply", info[1] if info else None) from exc
    except ValueError as exc:
        raise AssertionError(f"generated function {name} did not compile to one function") from exc
    if code.co_name != name:
        raise AssertionError(f"generated function {name} did not compile to one function")
    CODE_INFO.register_code(code, (unit.infos, unit.line_spans, unit.line_contexts))
    unit.late[name] = code
    return code


def module_with_late(unit: Unit, module: CodeType) -> CodeType:
    """``module`` (a unit's module code) with the stand-ins of the functions
    compiled since put back as their real code: what the disk cache stores."""
    late = unit.late
    if not late:
        return module
    _template()  # a unit read from the cache: its stand-ins were made in another process
    at = _name_at
    consts = []
    for c in module.co_consts:
        if type(c) is CodeType and c.co_name == STAND_IN:
            real = late.get(c.co_consts[at])
            if real is not None:
                c = real
        consts.append(c)
    return module.replace(co_consts=tuple(consts))


def still_pending(unit: Unit) -> dict[str, tuple[str, int]]:
    """The texts of ``unit``'s functions not compiled yet."""
    late = unit.late
    return {n: t for n, t in unit.pending.items() if n not in late}


Loader = Callable[[str, str], Any]


def loader(
    unit_of: Callable[[str], Unit], g: Mapping[str, Any], filename: str, changed: Callable[[], None]
) -> Loader:
    """The :data:`LATE` function of one module namespace ``g``: compiles a
    function of the unit rooted at ``root`` and gives the function object,
    now running its real code."""

    def late(root: str, name: str) -> Any:
        unit = unit_of(root)
        known = name in unit.late
        code = compile_function(unit, name, filename)
        if not known:
            changed()
        fn = g[name]
        fn.__code__ = code
        return fn

    return late
