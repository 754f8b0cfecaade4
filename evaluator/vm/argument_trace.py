"""The "… while evaluating the first argument passed to builtins.X" trace entries.

Nix 2.26 adds such an entry when a builtin finds one of its arguments of
the wrong type. nixls adds it without any bookkeeping on the fast path:
when a type error leaves a builtin, the expression the builtin was
evaluating (its instruction's source span) tells which argument it was
checking: the one parameter that expression names, if it applies no Nix
function. A builtin's source is read once, on its first such error.
"""

from __future__ import annotations

import io
import os
import sys
from itertools import islice
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
_APPLYING = frozenset({"Call", "apply_now", "call", "apply", "app_thunk", "app_thunks"})


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
_WAITING_NAMES = ("YIELD_VALUE", "SEND", "JUMP_BACKWARD_NO_INTERRUPT", "CLEANUP_THROW")
# Their opcodes in the Pythons nixls runs on, as `opcode.opmap` gives them
# (tests/vm/test_argument_spans.py checks the running one): importing
# `opcode` on an error's first trace was ~0.4 ms of a short run.
_WAITING_OPCODES: dict[tuple[int, int], frozenset[int]] = {
    (3, 11): frozenset({86, 123, 134}),
    (3, 12): frozenset({150, 123, 134, 55}),
    (3, 13): frozenset({118, 104, 78, 8}),
}
_WAITING: frozenset[int] | None = _WAITING_OPCODES.get(sys.version_info[:2])


def waiting_opcodes() -> frozenset[int]:
    """Instructions a generator frame waits at while the loop forces something."""
    global _WAITING
    if _WAITING is None:
        import opcode

        _WAITING = frozenset(opcode.opmap[n] for n in _WAITING_NAMES if n in opcode.opmap)
    return _WAITING


_Spans = tuple[list[tuple[int, int, int]], list[tuple[int, int]], frozenset[int]]
# Per builtin code: each parameter's (line, column) spans, where the calls
# that apply a Nix function start, and the parameters forced strictly.
_SPANS: dict[CodeType, _Spans] = {}


def _called_name(node: ast.Call) -> str:
    import ast

    f = node.func
    return f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else ""


def _spans(code: CodeType) -> _Spans:
    """Where a builtin's source names each parameter, where it applies functions,
    and which parameters it forces strictly: from the table made from the
    sources (:mod:`evaluator.vm.argument_spans`, written by
    :mod:`evaluator.builtins.make_argument_spans`) while the builtin's lines
    are those it was made from, else read from the source now."""
    found = _SPANS.get(code)
    if found is None:
        found = _stored(code)
        if found is None:
            analysed = analyse(code)
            found = analysed[2] if analysed is not None else ([], [], frozenset())
        _SPANS[code] = found
    return found


def analyse(code: CodeType) -> tuple[int, int, _Spans] | None:
    """The builtin's first line, its number of lines and its spans, read from
    its source (imports `inspect` and `ast`, and tokenizes: ~25 ms the first
    time); ``None`` without a source."""
    names: list[tuple[int, int, int]] = []  # (line, column, parameter index)
    calls: list[tuple[int, int]] = []  # (line, column) where a call starts
    strict: set[int] = set()
    params = code.co_varnames[: code.co_argcount]
    import ast
    import inspect

    try:
        source, first = inspect.getsourcelines(code)
    except (OSError, TypeError):
        return None
    try:
        tree: ast.AST | None = ast.parse("".join(source))
    except SyntaxError:
        tree = None  # a nested function's indented lines: no entries
    for node in ast.walk(tree) if tree is not None else ():
        if isinstance(node, ast.Name) and node.id in params:
            names.append((node.lineno + first - 1, node.col_offset, params.index(node.id)))
        elif isinstance(node, ast.Call) and _called_name(node) in _APPLYING:
            calls.append((node.lineno + first - 1, node.col_offset))
        elif isinstance(node, ast.Call) and _called_name(node) in _STRICT_FORCES and node.args:
            arg = node.args[0]
            if isinstance(arg, ast.Name) and arg.id in params:
                strict.add(params.index(arg.id))
    return first, len(source), (names, calls, frozenset(strict))


def _stored(code: CodeType) -> _Spans | None:
    """The table's spans of ``code`` if its source lines are unchanged."""
    from evaluator.vm.argument_spans import SPANS

    entries = SPANS.get(table_key(code))
    if entries is None:
        return None
    lines = file_lines(code.co_filename)
    first = code.co_firstlineno
    # Entries `count extent crc|names|calls|strict`, separated by `;`.
    for entry in entries.split(";"):
        head, names, calls, strict = entry.split("|")
        count, extent, crc = (int(x) for x in head.split())
        if fingerprint(lines, first, count) != (extent, crc):
            continue
        n, c = [int(x) for x in names.split()], [int(x) for x in calls.split()]
        return (
            [(n[i] + first, n[i + 1], n[i + 2]) for i in range(0, len(n), 3)],
            [(c[i] + first, c[i + 1]) for i in range(0, len(c), 2)],
            frozenset(int(x) for x in strict.split()),
        )
    return None


def table_key(code: CodeType) -> str:
    """``folder/file.py:qualified name``: the table's key of a builtin's code."""
    folder, file = os.path.split(code.co_filename)
    return f"{os.path.basename(folder)}/{file}:{code.co_qualname}"


_LINES: dict[str, list[str]] = {}


def file_lines(filename: str) -> list[str]:
    """The lines of the Python source file ``filename`` (none if unreadable)."""
    lines = _LINES.get(filename)
    if lines is None:
        try:
            # nixls's own source, read as the import system reads code (not
            # a file of an evaluation: no read policy applies); split at
            # newlines only, as Python numbers a module's lines.
            with io.TextIOWrapper(io.open_code(filename), encoding="utf-8") as f:
                lines = f.readlines()
        except (OSError, UnicodeDecodeError):
            lines = []
        _LINES[filename] = lines
    return lines


def fingerprint(lines: list[str], first: int, count: int) -> tuple[int, int]:
    """The number of lines and the CRC-32 of the text from line ``first``:
    the ``count`` lines `inspect` found and any code line after them before
    the next one indented no deeper than line ``first``. While those are
    unchanged, so is the source `inspect` finds (a statement appended to
    the body is such a code line)."""
    start = first - 1
    if not 0 <= start < start + count <= len(lines):
        return -1, 0
    indent = _indent(lines[start])
    end = following = start + count
    while following < len(lines):
        text = lines[following]
        following += 1
        stripped = text.strip()
        if stripped and not stripped.startswith("#"):
            if _indent(text) <= indent:
                break
            end = following  # code in the body after what `inspect` found
    import zlib  # (imported by the cache already: a name to look up)

    return end - start, zlib.crc32("".join(lines[start:end]).encode())


def _indent(text: str) -> int:
    return len(text) - len(text.lstrip())


def _inside(line: int, col: int, span: tuple[int, int, int, int]) -> bool:
    start_line, start_col, end_line, end_col = span
    return (start_line, start_col) <= (line, col) < (end_line, end_col)


def _parameter_at(code: CodeType, lasti: int) -> int | None:
    """The one parameter named by the expression of instruction ``lasti``,
    unless that expression applies a function."""
    if lasti < 0:
        return None
    position = next(islice(code.co_positions(), lasti // 2, None), None)
    if position is None:
        return None
    line, end_line, col, end_col = position
    if line is None or end_line is None or col is None or end_col is None:
        return None
    where = (line, col, end_line, end_col)
    names, calls, _ = _spans(code)
    if any(_inside(line_, col_, where) for line_, col_ in calls):
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
    if name in _NONE or not 0 <= lasti < len(code.co_code):
        return None
    if code.co_code[lasti] not in waiting_opcodes():
        return None
    index = _parameter_at(code, lasti)
    if index is None or index not in _spans(code)[2]:
        return None
    return entry(name, index)
