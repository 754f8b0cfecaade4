"""The "… while evaluating the first argument passed to builtins.X" trace entries.

Nix 2.26 adds such an entry when a builtin finds one of its arguments of
the wrong type. nixls adds it without any bookkeeping on the fast path:
when a type error leaves a builtin, the expression the builtin was
evaluating (its instruction's source span) tells which argument it was
checking: the one parameter that expression names, if it applies no Nix
function. A builtin's source is read once, on its first such error.
"""

from __future__ import annotations

from types import CodeType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    import ast

_ORDINALS = ("first", "second", "third")

# Where Nix 2.26.3 words the entry otherwise than "the <n-th> argument passed
# to builtins.X" (recorded in tests/builtins/fixtures/nix226/bad_calls.json).
_WORDING: dict[tuple[str, int], str] = {
    ("attrNames", 0): "the argument passed to builtins.attrNames",
    ("attrValues", 0): "the argument passed to builtins.attrValues",
    ("fromTOML", 0): "the argument passed to builtins.fromTOML",
    ("listToAttrs", 0): "the argument passed to builtins.listToAttrs",
    ("stringLength", 0): "the argument passed to builtins.stringLength",
    ("path", 0): "the argument passed to 'builtins.path'",
    ("concatStringsSep", 0): "the first argument (the separator string) passed to "
    "builtins.concatStringsSep",
    ("concatStringsSep", 1): "the second argument (the list of strings to concat) passed to "
    "builtins.concatStringsSep",
    ("substring", 0): "the first argument (the start offset) passed to builtins.substring",
    ("substring", 1): "the second argument (the substring length) passed to builtins.substring",
    ("substring", 2): "the third argument (the string) passed to builtins.substring",
    ("filterSource", 1): "the second argument (the path to filter) passed to "
    "'builtins.filterSource'",
    ("dirOf", 0): "the first argument passed to 'builtins.dirOf'",
    ("head", 0): "the first argument passed to 'builtins.head'",
    ("tail", 0): "the first argument passed to 'builtins.tail'",
    ("elemAt", 0): "the first argument passed to 'builtins.elemAt'",
    ("elemAt", 1): "the second argument passed to 'builtins.elemAt'",
    ("foldl'", 0): "the first argument passed to builtins.foldlStrict",
    ("foldl'", 1): "the second argument passed to builtins.foldlStrict",
    ("foldl'", 2): "the third argument passed to builtins.foldlStrict",
    ("add", 0): "the first argument of the addition",
    ("add", 1): "the second argument of the addition",
    ("sub", 0): "the first argument of the subtraction",
    ("sub", 1): "the second argument of the subtraction",
    ("mul", 0): "the first argument of the multiplication",
    ("mul", 1): "the second argument of the multiplication",
    ("div", 0): "the first operand of the division",
    ("div", 1): "the second operand of the division",
    # A path read from disk is first coerced, its context realised.
    ("hashFile", 1): "while realising the context of a path",
    ("genericClosure", 0): "the first argument passed to builtins.genericClosure",
}

# Builtins whose checks Nix words in its own way (operators) or not at all.
_NONE = frozenset({"lessThan", "seq", "deepSeq"})

# Names of calls that apply a Nix function: an error on such a line is the
# function's result, not the argument's type.
_APPLYING = frozenset(
    {"Call", "call_request", "apply_now", "call", "apply", "app_thunk", "app_thunks"}
)


def entry(name: str, index: int) -> str:
    """The trace message for a wrong argument ``index`` (0-based) of ``builtins.name``."""
    text = _WORDING.get((name, index))
    if text is None:
        return f"while evaluating the {_ORDINALS[index]} argument passed to builtins.{name}"
    if text.startswith("while "):
        return text
    return f"while evaluating {text}"


# Helpers that force a parameter as Nix's forceInt, forceFunction, forceString...
# do: those add their entry to *any* error while forcing (forceAttrs and
# forceList only to a type error).
_STRICT_FORCES = frozenset(
    {
        "force_int",
        "force_float",
        "force_bool",
        "force_function",
        "force_string",
        "force_string_no_context",
        "_check_function",
    }
)
_WAITING: frozenset[int] | None = None


def _waiting() -> frozenset[int]:
    """Instructions a generator frame waits at while the loop forces something
    (`opcode` imported on an error's first trace: 2 M instructions of every start-up)."""
    global _WAITING
    if _WAITING is None:
        import opcode

        names = ("YIELD_VALUE", "SEND", "JUMP_BACKWARD_NO_INTERRUPT", "CLEANUP_THROW")
        _WAITING = frozenset(opcode.opmap[n] for n in names if n in opcode.opmap)
    return _WAITING


_Spans = tuple[list[tuple[int, int, int]], list[tuple[int, int, int, int]], frozenset[int]]
# Per builtin code: each parameter's (line, column) spans, the spans of calls
# that apply a Nix function, and the parameters forced strictly.
_SPANS: dict[CodeType, _Spans] = {}


def _called_name(node: ast.Call) -> str:
    import ast

    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _spans(code: CodeType) -> _Spans:
    """Where a builtin's source names each parameter, where it applies functions,
    and which parameters it forces strictly."""
    found = _SPANS.get(code)
    if found is not None:
        return found
    names: list[tuple[int, int, int]] = []  # (line, column, parameter index)
    calls: list[tuple[int, int, int, int]] = []  # (line, column, end line, end column)
    strict: set[int] = set()
    params = code.co_varnames[: code.co_argcount]
    # Imported here, on a builtin's first type error: not at every start-up.
    import ast
    import inspect

    try:
        source, first = inspect.getsourcelines(code)
        tree = ast.parse("".join(source))
    except (OSError, TypeError, SyntaxError):
        tree = None
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Name) and node.id in params:
            names.append((node.lineno + first - 1, node.col_offset, params.index(node.id)))
        elif isinstance(node, ast.Call) and _called_name(node) in _APPLYING:
            end_line = (node.end_lineno or node.lineno) + first - 1
            end_col = node.end_col_offset or 0
            calls.append((node.lineno + first - 1, node.col_offset, end_line, end_col))
        elif isinstance(node, ast.Call) and _called_name(node) in _STRICT_FORCES and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Name) and arg.id in params:
                strict.add(params.index(arg.id))
    found = _SPANS[code] = (names, calls, frozenset(strict))
    return found


def _inside(line: int, col: int, span: tuple[int, int, int, int]) -> bool:
    start_line, start_col, end_line, end_col = span
    return (start_line, start_col) <= (line, col) < (end_line, end_col)


def _parameter_at(code: CodeType, lasti: int) -> int | None:
    """The one parameter named by the expression of instruction ``lasti``,
    unless that expression applies a function."""
    positions = list(code.co_positions())
    if lasti < 0 or lasti // 2 >= len(positions):
        return None
    line, end_line, col, end_col = positions[lasti // 2]
    if line is None or end_line is None or col is None or end_col is None:
        return None
    where = (line, col, end_line, end_col)
    names, calls, _ = _spans(code)
    if any(_inside(c[0], c[1], where) for c in calls):
        return None
    inside = sorted({index for ln, cl, index in names if _inside(ln, cl, where)})
    if len(inside) != 1 or inside[0] >= len(_ORDINALS):
        return None
    return inside[0]


def argument_entry(name: str, code: CodeType, lasti: int) -> str | None:
    """The entry for a type error that left builtin ``name`` (code ``code``) at
    instruction offset ``lasti``: the parameter named in the expression it was
    evaluating, unless that expression applies a function."""
    if name in _NONE:
        return None
    index = _parameter_at(code, lasti)
    return entry(name, index) if index is not None else None


def forcing_entry(name: str, code: CodeType, lasti: int) -> str | None:
    """The entry for another error reaching builtin ``name`` while it waited for
    a parameter it forces strictly (a `throw` in its integer argument)."""
    if name in _NONE or not 0 <= lasti < len(code.co_code) or code.co_code[lasti] not in _waiting():
        return None
    index = _parameter_at(code, lasti)
    if index is None or index not in _spans(code)[2]:
        return None
    return entry(name, index)
