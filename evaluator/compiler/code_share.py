"""One `compile()` per shape of generated function.

`compile()` costs about a third of a microsecond per byte of generated Python
and is the largest part of a cold evaluation's front end. Most generated
functions have the shape of another: the packages of a package set, every
`mkOption { type = ...; default = ...; }` of a module set, the same lambda
in two files. Two functions of one shape differ only in

- their numbered names: module-level ones (``th9_12_3``, ``K9_12_4``, a
  unit's tag and a counter) and locals (``v2683``, ``t17``),
- their string literals (attribute names, messages, Nix strings),
- their integer literals where CPython folds nothing (`f(0X5)`, `x == 0X5`;
  the code generator writes Nix integers in hexadecimal so that they are
  found by a split, see :func:`_integers`).

:func:`compile_unit` takes a unit's functions as `Compiler.render` hands them
over (their generated names marked, see ``codegen_base.NAME_MARK``), replaces
those by placeholders, compiles each shape once (its first function; the
template is that code with its names and strings put back as placeholders,
made when a second function of the shape comes), and gives every later
function of that shape a copy of the template's code with its own names,
strings and first line put back (``CodeType.replace``): the code `compile()`
makes from the unit's own text (``tests/compiler/test_code_share.py`` compares them code
object by code object on real files). The unit's module code, which only
defines the functions, is a stub with their code put in.

A shape is shared only when its template holds every placeholder string
intact (CPython folds constant expressions such as ``'ab'[0]``; such a
function is compiled on its own) and has no closure cells or nested code
(generated code has none). Empty strings stay in the shape: their truth
value can decide a branch.
"""

from __future__ import annotations

import re
import threading
import warnings
from collections.abc import Callable
from operator import itemgetter
from types import CodeType, FunctionType
from typing import Any

from evaluator.compiler.codegen_base import NAME_MARK

# Functions above this size are compiled on their own: large functions are
# seldom alike, and normalising costs a tenth of compiling.
MAX_SHARED_BYTES = 16384

# Placeholder strings begin with this (NUL never appears raw in generated
# text: `repr` escapes it).
_MARK = "\x00\x01s"

# String literals (for functions whose quotes a split cannot tell apart),
# compiled when first needed: `re`'s compiler is Python code (~1 M
# instructions here), and most runs never need it.
_STRING = r"""('[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*")"""
_string_pattern: re.Pattern[str] | None = None

_NEW = object()
_ONCE = object()  # the first of a shape came, its text not kept
_lock = threading.Lock()
# Module code defining N functions, by N (its function codes are replaced),
# and whether they are its first N constants.
_modules: dict[int, tuple[CodeType, bool]] = {}
stats = {"shared": 0, "compiled": 0, "unshareable": 0}


def _compile(text: str, filename: str) -> CodeType:
    """``compile(text, filename, "exec")`` without CPython's syntax warnings
    (e.g. `1["a"]` in code for `(1).a or 2`: unreachable, but CPython
    warns). Only real compiles pay for the filter (3 µs): most functions
    are instantiated from a template, which warns of nothing."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        return compile(text, filename, "exec")


def function_of(text: str) -> CodeType | None:
    """The code of the one function ``text`` defines (a `def` and nothing
    else, no default values), as `compile()` makes it but for its file name
    (``<string>``), or None if it defines another number of functions.

    Compiled by running the text (`exec` of a string), not by `compile()`:
    CPython's `compile()` first asks whether its argument is an `ast` tree,
    which builds the `ast` module's ~120 types on the first call of the
    process (9.6 M instructions, 1–2% of a small cold run)."""
    ns: dict[str, Any] = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", SyntaxWarning)
        exec(text, ns)  # noqa: S102 (generated code that only defines a function)
    found = [v.__code__ for v in ns.values() if type(v) is FunctionType]
    # The function holds `ns` as its globals and `ns` holds it: a cycle,
    # which a one-shot run (no collector) would keep to the end (+10 MB).
    ns.clear()
    return found[0] if len(found) == 1 else None


def _unescape(literal: str) -> str:
    """The value of a quoted Python string literal with escapes, as generated
    code writes them (``repr``), decoded without `ast` (~2 ms to import on a
    cold run): characters outside Latin-1 are escaped first, so that
    ``unicode_escape`` reads the whole literal as escapes and ASCII."""
    return literal[1:-1].encode("latin-1", "backslashreplace").decode("unicode_escape")


def _valid(template: CodeType, count: int) -> bool:
    """Whether the template is one function without nested code or closure
    cells, whose every placeholder string is intact (none folded)."""
    if template.co_cellvars or template.co_freevars:
        return False
    seen: set[str] = set()
    stack: list[object] = list(template.co_consts)
    while stack:
        c = stack.pop()
        if isinstance(c, CodeType):
            return False
        if isinstance(c, str):
            if _MARK[0] in c:
                if not c.startswith(_MARK) or not c[len(_MARK) :].isdigit():
                    return False
                seen.add(c)
        elif isinstance(c, (tuple, frozenset)):
            stack.extend(c)
    return len(seen) == count


# Normalised text of a marked function -> its _Template, _First, _ONCE or None.
_templates: dict[str, object] = {}
_template_bytes = 0
# Keys kept at most (bytes of normalised text; all are dropped past it).
MAX_TEMPLATE_BYTES = 32 << 20


# Placeholders by number: strings (the body of a literal) and name numbers;
# grown by _placeholders when a function has more.
_STRINGS: list[str] = []
_NAMES: list[str] = []
# The string placeholders in their quotes, as a double-quoted literal's is written.
_QUOTED: list[str] = []


def _placeholders(made: list[str], n: int) -> list[str]:
    """At least ``n`` placeholders of a kind (made once, then reused; as
    many as the largest function so far needed, by a C-level map: making
    1,280 ahead at import, a Python step each, was 5 M instructions)."""
    if len(made) < n:
        if made is _NAMES:
            form = "_cs_%d"
        else:
            form = "\\x00\\x01s%d" if made is _STRINGS else "'\\x00\\x01s%d'"
        made += map(form.__mod__, range(len(made), n))
    return made


def _normalise(marked: str) -> tuple[str, list[str], list[Any], int] | None:
    """A marked function's shape: its text with each generated name's number
    and each string and shared integer (see :func:`_integers`) replaced by a
    placeholder (numbered by first appearance), the numbers, the values by
    placeholder (the strings', then the integers'), and how many of them
    are integers (None if its marks are unpaired).

    Names are found by splitting on their marks, strings by splitting on
    quotes: C-level passes, no scan in Python and no step per name. Only a
    function with a double-quoted literal or an escaped quote (a string
    holding a quote) has its literals found by a scan, as the same shape.
    """
    text = marked
    strings: list[str] = []
    if '"' in marked or "\\'" in marked:
        text, strings = _escaped_strings(marked)
    elif "'" in marked:
        parts = marked.split("'")
        bodies = parts[1::2]
        if "\\" in marked:
            # Escapes: one placeholder per value (CPython keeps equal
            # constants once), whatever the escapes that wrote it.
            values = [b if "\\" not in b else _unescape(f"'{b}'") for b in bodies]
        else:
            values = bodies
        distinct = dict.fromkeys(values)
        empty = "" in distinct  # '' stays: its truth value may be folded into a branch
        if empty:
            del distinct[""]
        if len(distinct) > len(_STRINGS):
            _placeholders(_STRINGS, len(distinct))
        number = dict(zip(distinct, _STRINGS, strict=False))
        if empty:
            number[""] = ""
        parts[1::2] = map(number.__getitem__, values)
        text = "'".join(parts)
        strings = list(distinct)
    found: list[Any] = strings
    n_ints = 0
    if "X" in text:  # one memchr: `0X` (a two-character needle) is a slow search
        text, ints = _integers(text, len(strings))
        if ints:
            found = [*strings, *ints]
            n_ints = len(ints)
    pieces = text.split(NAME_MARK)
    if not len(pieces) & 1:
        return None
    numbers = pieces[1::2]
    distinct_numbers = dict.fromkeys(numbers)
    if len(distinct_numbers) > len(_NAMES):
        _placeholders(_NAMES, len(distinct_numbers))
    placeholder = dict(zip(distinct_numbers, _NAMES, strict=False))
    pieces[1::2] = map(placeholder.__getitem__, numbers)
    return "".join(pieces), list(distinct_numbers), found, n_ints


_HEX_DIGITS = "0123456789ABCDEF"
# Where an integer literal is shared: after `(`, `, `, a comparison or `= `;
# before `,`, `)`, `:`, a line's end, a comparison, `if`, `else`, `and`, `or`.
# Arithmetic (`x + 0X1`, `-0X1`) stays in the shape: CPython folds constant
# operands, ints and placeholder strings differently; so do truth tests.
_BEFORE = ("(", ", ", "= ", "> ", "< ")
_NOT_BEFORE = (">> ", "<< ")
_AFTER = (",", ")", ":", "\n", " if ", " else ", " and ", " or ")
_AFTER_COMPARED = (" == ", " != ", " < ", " > ", " <= ", " >= ")


def _integers(text: str, first: int) -> tuple[str, list[int]]:
    """``text`` with the integer literals the code generator wrote (in
    hexadecimal, ``0X…``: found by splitting, at C speed) replaced by
    string placeholders from number ``first`` on, one per value, and the
    values. A value written also where it is left in the shape (see
    ``_BEFORE``) stays everywhere: CPython keeps one constant of a value."""
    pieces = text.split("0X")
    found: list[tuple[int, int, str] | None] = [None]
    kept: set[int] = set()
    for i in range(1, len(pieces)):
        piece = pieces[i]
        rest = piece.lstrip(_HEX_DIGITS)
        n = len(piece) - len(rest)
        if not n:
            found.append(None)  # not a literal (generated code writes no other `0X`)
            continue
        value = int(piece[:n], 16)
        before = pieces[i - 1]
        if (
            before.endswith(_BEFORE)
            and not before.endswith(_NOT_BEFORE)
            and (rest.startswith(_AFTER) or rest.startswith(_AFTER_COMPARED))
        ):
            found.append((value, n, rest))
        else:
            found.append(None)
            kept.add(value)
    numbered: dict[int, str] = {}
    for spot in found:
        if spot is not None and spot[0] not in kept and spot[0] not in numbered:
            numbered[spot[0]] = ""
    if not numbered:
        return text, []
    marks = _placeholders(_STRINGS, first + len(numbered))
    for k, value in enumerate(numbered):
        numbered[value] = f"'{marks[first + k]}'"
    out = [pieces[0]]
    for i in range(1, len(pieces)):
        spot = found[i]
        if spot is not None and spot[0] in numbered:
            out += (numbered[spot[0]], spot[2])
        else:
            out += ("0X", pieces[i])
    return "".join(out), list(numbered)


def _escaped_strings(marked: str) -> tuple[str, list[str]]:
    """`_normalise`'s strings of a function with a double-quoted literal or an
    escaped quote (a string holding a quote, 4% of functions): found by a
    scan, one placeholder per value whatever the escapes that wrote it."""
    parts = _quoted_split(marked) if "\\" not in marked else None
    if parts is None:
        global _string_pattern
        if _string_pattern is None:
            _string_pattern = re.compile(_STRING)
        parts = _string_pattern.split(marked)
        values = [t[1:-1] if "\\" not in t else _unescape(t) for t in parts[1::2]]
    else:
        values = parts[1::2]
    distinct = dict.fromkeys(values)
    distinct.pop("", None)
    # One C-level dict of the quoted placeholders (a comprehension making
    # each quoted string was half of this function's time).
    number = dict(zip(distinct, _placeholders(_QUOTED, len(distinct)), strict=False))
    number[""] = "''"
    parts[1::2] = map(number.__getitem__, values)
    return "".join(parts), list(distinct)


def _quoted_split(marked: str) -> list[str] | None:
    """Text outside string literals and the literals' values, alternating (as
    ``_STRING.split`` gives them, less the quotes), found by two C-level
    splits, or None where that is not sure: for a text without backslashes
    (no literal holds its own quote), where the text before each double
    quote outside double-quoted literals holds an even number of single
    quotes (so that double quote is outside every single-quoted literal).
    Most double-quoted literals are `"function 'anonymous lambda'"`."""
    dq = marked.split('"')
    if not len(dq) & 1:
        return None
    out: list[str] = []
    for i, part in enumerate(dq):
        if i & 1:
            out.append(part)  # a double-quoted literal's value
            continue
        sq = part.split("'")
        if not len(sq) & 1:
            return None
        out += sq
    return out


class _Template:
    """A shape's code, and where its placeholders are, so that instantiating
    it only fills them in."""

    __slots__ = ("code", "names", "n_names", "fixed", "pick", "nested", "distinct")

    def __init__(
        self,
        code: CodeType,
        names: str,
        consts: list[tuple[int, int]],
        nested: list[int],
        n_strings: int,
        ints: bool = False,
    ) -> None:
        self.code = code
        # With integer placeholders: how many distinct constants the code
        # has. An integer equal to one of the other constants (`arity == 2`
        # beside a literal 2) is one constant for CPython but two here: such
        # a copy is refused (the function is compiled on its own).
        self.distinct = _distinct(code.co_consts) if ints else 0
        # co_name, co_names and co_varnames joined by NAME_MARK, each name
        # placeholder a format field: one `format` and one `split` give them.
        self.names = names
        self.n_names = len(code.co_names)
        # co_consts picked at C speed from the strings followed by ``fixed``
        # (the template's other constants); None when there is nothing to
        # fill or fewer than two constants (itemgetter then gives no tuple).
        self.pick: Callable[[list[Any]], tuple[Any, ...]] | None = None
        self.fixed: list[Any] = []
        self.nested = nested  # positions of tuples and frozensets holding placeholders
        all_consts = code.co_consts
        if consts and len(all_consts) > 1:
            string_at = dict(consts)  # position in co_consts -> string number
            pick: list[int] = []
            for at, c in enumerate(all_consts):
                k = string_at.get(at)
                if k is None:
                    k = n_strings + len(self.fixed)
                    self.fixed.append(c)
                pick.append(k)
            self.pick = itemgetter(*pick)
        elif consts:
            self.nested = [*nested, *(at for at, _ in consts)]  # one constant: filled by _fill

    def instantiate(
        self, numbers: list[str], strings: list[Any], filename: str, line: int
    ) -> CodeType | None:
        """The template's code with these numbers, strings (and integers) and
        first line; None where an integer would be a constant twice."""
        names = self.names.format(*numbers).split(NAME_MARK)
        code = self.code
        pick = self.pick
        consts = code.co_consts if pick is None else pick(strings + self.fixed)
        if self.nested:
            new = list(consts)
            for at in self.nested:
                new[at] = _fill(new[at], strings)
            consts = tuple(new)
        if self.distinct and _distinct(consts) != self.distinct:
            return None
        n = 1 + self.n_names
        return code.replace(
            co_name=names[0],
            co_qualname=names[0],
            co_names=tuple(names[1:n]),
            co_varnames=tuple(names[n:]),
            co_consts=consts,
            co_filename=filename,
            co_firstlineno=line,
        )


def _distinct(consts: tuple[Any, ...]) -> int:
    """How many constants CPython would keep of ``consts`` (at least: equal
    values of one type are one; `1` and `True` are two, as there)."""
    return len(set(zip(map(type, consts), consts, strict=True)))


def _fill(c: Any, strings: list[str]) -> Any:
    """A constant of a template with its placeholder strings filled in (a
    module function: a nested one calling itself would be a cycle per
    function instantiated)."""
    t = type(c)
    if t is str:
        return strings[int(c[len(_MARK) :])] if c.startswith(_MARK) else c
    if t is tuple:
        return tuple([_fill(x, strings) for x in c])
    if t is frozenset:
        return frozenset([_fill(x, strings) for x in c])
    return c


def _holds_mark(c: Any) -> bool:
    """Whether a constant is or holds a placeholder string."""
    t = type(c)
    if t is str:
        return bool(c.startswith(_MARK))
    if t is tuple or t is frozenset:
        return any(map(_holds_mark, c))
    return False


def _template(
    code: CodeType, n_numbers: int, n_strings: int, ints: bool = False
) -> _Template | None:
    """The template of a shape's compiled text, or None when it cannot be
    shared (see :func:`_valid`). ``ints``: some placeholders are integers'."""
    if not _valid(code, n_strings):
        return None
    fields: list[str] = []
    for n in (code.co_name, *code.co_names, *code.co_varnames):
        prefix, cs, k = n.partition("_cs_")
        if not cs:
            fields.append(n)
        elif k.isdigit() and int(k) < n_numbers and "{" not in prefix and "}" not in prefix:
            fields.append(f"{prefix}{{{int(k)}}}")
        else:
            return None  # not a placeholder made by _normalise
    strings: list[tuple[int, int]] = []
    nested: list[int] = []
    for at, c in enumerate(code.co_consts):
        if type(c) is str and c.startswith(_MARK):
            strings.append((at, int(c[len(_MARK) :])))
        elif type(c) in (tuple, frozenset) and _holds_mark(c):
            nested.append(at)
    return _Template(code, NAME_MARK.join(fields), strings, nested, n_strings, ints)


def _marked_function(marked: str, filename: str, line: int, kept: bool = False) -> CodeType | None:
    """The code of the one function ``marked`` defines (its generated names
    marked), as if it began at ``line``. ``kept``: the caller keeps
    ``marked`` alive anyway (a late function's text stays in its unit), so
    the first of a shape may hold it to make the template from its code;
    else the shape's text is compiled for it (home-manager's roots' texts
    would be held for nothing: +4 MB)."""
    shape = _normalise(marked) if len(marked) <= MAX_SHARED_BYTES else None
    if shape is None:
        found: object = None
    else:
        text, numbers, strings, n_ints = shape
        found = _templates.get(text, _NEW)
        if type(found) is _First or found is _ONCE:  # second of its shape: make the template
            template = _derived(found.code, found.marked) if type(found) is _First else None
            if template is None:  # not derivable: compiled from the shape's text
                template = function_of(text)
            ints = n_ints > 0
            found = template and _template(template, len(numbers), len(strings), ints)
            _keep(text, found)
        if type(found) is _Template:
            code = found.instantiate(numbers, strings, filename, line)
            if code is not None:
                stats["shared"] += 1
                return code
    stats["unshareable" if found is None else "compiled"] += 1
    code = function_of(marked.replace(NAME_MARK, ""))
    if code is None:
        return None
    # The code returned, not another copy: it lives on with its function.
    code = code.replace(co_firstlineno=line, co_filename=filename)
    if shape is not None and found is _NEW:
        _keep(shape[0], _First(code, marked) if kept else _ONCE)  # first of its shape
    return code


class _First:
    """The first function of a shape: its code and marked text, from which
    the shape's template is made when a second comes (most shapes come once)."""

    __slots__ = ("code", "marked")

    def __init__(self, code: CodeType, marked: str) -> None:
        self.code = code
        self.marked = marked


# The identifier characters: those ending a text before a mark are a
# generated name's prefix (`rstrip`, not a regex: no `re` compile for it).
_IDENTIFIER_CHARS = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_"


def _derived(code: CodeType, marked: str) -> CodeType | None:
    """The template of ``marked``'s shape made from ``code``, compiled from
    its text, without compiling the shape's text: its numbered names and
    its strings are put back as placeholders. None where ``code`` holds a
    string that is not one of its literals (a folded constant, a keyword
    argument's name): then the shape's text is compiled."""
    shape = _normalise(marked)
    if shape is None or shape[3]:
        # Integers: the code holds one constant for a literal and any other
        # constant of its value (folded arithmetic, `arity == 2`), which no
        # text tells apart here; the shape's text is compiled instead.
        return None
    _, numbers, strings, _ = shape
    pieces = marked.split(NAME_MARK)
    index = dict(zip(numbers, _NAMES, strict=False))
    names: dict[str, str] = {}
    for j in range(1, len(pieces), 2):
        before = pieces[j - 1]
        start = before[len(before.rstrip(_IDENTIFIER_CHARS)) :]
        names[start + pieces[j]] = start + index[pieces[j]]
    placeholders = {s: f"{_MARK}{k}" for k, s in enumerate(strings)}
    placeholders[""] = ""
    try:
        consts = tuple([_unfilled(c, placeholders) for c in code.co_consts])
    except KeyError:
        return None
    get = names.get
    return code.replace(
        co_name=get(code.co_name, code.co_name),
        co_qualname=get(code.co_qualname, code.co_qualname),
        co_names=tuple([get(n, n) for n in code.co_names]),
        co_varnames=tuple([get(n, n) for n in code.co_varnames]),
        co_consts=consts,
    )


def _unfilled(c: Any, placeholders: dict[str, str]) -> Any:
    """A constant with its strings replaced by their placeholders (KeyError
    for a string that has none)."""
    t = type(c)
    if t is str:
        return placeholders[c]
    if t is tuple:
        return tuple([_unfilled(x, placeholders) for x in c])
    if t is frozenset:
        return frozenset([_unfilled(x, placeholders) for x in c])
    if t is CodeType:
        raise KeyError(c)  # nested code: never shared
    return c


def function_code(marked: str, filename: str, line: int, kept: bool = False) -> CodeType:
    """The code of the one function ``marked`` defines (its generated names
    marked, as `Compiler.render` hands it over), beginning at ``line``:
    what `compile_unit` gives for a unit of that one function, without
    its module code. Raises what `compile()` raises for its text.
    ``kept``: see :func:`_marked_function`."""
    if "_cs_" not in marked:
        try:
            code = _marked_function(marked, filename, line, kept)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            code = None  # compiled below from its text: raises what compile() raises
        if code is not None:
            return code
    module = compile_unit(marked.replace(NAME_MARK, ""), filename, "", "")
    found = [c for c in module.co_consts if type(c) is CodeType]
    if len(found) != 1:
        raise ValueError("not the text of one function")
    return found[0]


def _keep(text: str, entry: object) -> None:
    global _template_bytes
    with _lock:
        if text not in _templates:
            _template_bytes += len(text)
            if _template_bytes > MAX_TEMPLATE_BYTES:
                _templates.clear()
                _template_bytes = len(text)
        _templates[text] = entry


def module_code(functions: list[CodeType], filename: str) -> CodeType:
    """Module code defining ``functions`` under their names, in order."""
    n = len(functions)
    found = _modules.get(n)
    if found is None:
        stub = module_stub(n)
        if stub is not None:
            found = _modules[n] = (stub, True)
        else:
            stub = compile(
                "".join(f"def _cs_{i}(): pass\n" for i in range(n)), "<functions>", "exec"
            )
            # CPython's layout: the functions' code first, in order, then None.
            kinds = [type(c) is CodeType for c in stub.co_consts]
            found = _modules[n] = (stub, kinds == [True] * n + [False] * (len(kinds) - n))
    stub, in_order = found
    consts = stub.co_consts
    if in_order:
        consts = (*functions, *consts[n:])
    else:
        it = iter(functions)
        consts = tuple([next(it) if type(c) is CodeType else c for c in consts])
    return stub.replace(
        co_consts=consts, co_names=tuple([f.co_name for f in functions]), co_filename=filename
    )


def _instruction(op: int, arg: int) -> bytes:
    """One instruction's bytes, with the EXTENDED_ARG prefixes its argument needs."""
    out = [op, arg & 0xFF]
    arg >>= 8
    if arg:
        from opcode import EXTENDED_ARG  # only for units of 256 functions or more

        while arg:
            out[:0] = [EXTENDED_ARG, arg & 0xFF]
            arg >>= 8
    return bytes(out)


def _stub_bytecode(n: int, start: bytes) -> bytes:
    """What CPython compiles `def _cs_<i>(): pass` for i < ``n`` to (3.11:
    LOAD_CONST i, MAKE_FUNCTION 0, STORE_NAME i each, then return None),
    after ``start`` (RESUME)."""
    parts = [start]
    make = bytes([_OPS["MAKE_FUNCTION"], 0])
    load, store = _OPS["LOAD_CONST"], _OPS["STORE_NAME"]
    for i in range(n):
        parts += (_instruction(load, i), make, _instruction(store, i))
    parts += (_instruction(load, n), bytes([_OPS["RETURN_VALUE"], 0]))
    return b"".join(parts)


def module_stub(n: int) -> CodeType | None:
    """Module code defining ``n`` functions from its constants 0 to n-1
    (None at n), as compiling ``n`` times `def _cs_<i>(): pass` makes it,
    without compiling: a unit of 1,600 functions took 16 ms to compile its
    stub. None where this Python compiles two such functions differently
    (another bytecode): then the caller compiles."""
    global _small_stub
    if _small_stub is None:
        _small_stub = (_checked_stub(),)
    base = _small_stub[0]
    if base is None:
        return None
    code = _stub_bytecode(n, base.co_code[:2])
    units = len(code) // 2
    # Every instruction without a location (the 3.11 line table's code 15):
    # the stub never raises, and its lines are none of the Nix file's.
    lines = bytes([0xFF] * (units // 8) + ([0xF8 | (units % 8 - 1)] if units % 8 else []))
    return base.replace(
        co_code=code,
        co_consts=(None,) * (n + 1),
        co_names=tuple([f"_cs_{i}" for i in range(n)]),
        co_linetable=lines,
    )


def _checked_stub() -> CodeType | None:
    """Module code of two functions as this CPython compiles it (for its
    fields), or None if its bytecode is not :func:`_stub_bytecode`'s.

    Got by running the text with a last line handing over its own frame's
    code, not by `compile()` (see :func:`function_of`): the definitions
    come first, and a module ends with ``LOAD_CONST None, RETURN_VALUE``."""
    import sys

    got: list[CodeType] = []
    text = "def _cs_0(): pass\ndef _cs_1(): pass\n_got.append(_frame().f_code)\n"
    ns = {"_got": got, "_frame": sys._getframe}
    exec(text, ns)  # noqa: S102 (our own text)
    ns.clear()  # the functions and their globals: a cycle
    code = got[0]
    # The opcodes from that bytecode, not from `opcode` (2.3 M instructions to
    # import): the comparison below still checks the layout they are put in.
    c = code.co_code
    if len(c) < 8:
        return None
    _OPS.update(LOAD_CONST=c[2], MAKE_FUNCTION=c[4], STORE_NAME=c[6], RETURN_VALUE=c[-2])
    written = _stub_bytecode(2, code.co_code[:2])
    body, end = written[:-4], code.co_code[-4:]
    ends = end[0] == _OPS["LOAD_CONST"] and end[2:] == bytes([_OPS["RETURN_VALUE"], 0])
    if not (code.co_code.startswith(body) and ends and code.co_consts[end[1]] is None):
        return None
    return code


# LOAD_CONST, MAKE_FUNCTION, STORE_NAME and RETURN_VALUE, as `_checked_stub` reads them.
_OPS: dict[str, int] = {}
# The compiled stub of two functions, or None where _stub_bytecode does not
# write its bytecode; in a tuple once known.
_small_stub: tuple[CodeType | None] | None = None


def compile_unit(
    python: str,
    filename: str,
    root: str,
    tag: str,
    functions: list[tuple[str, int]] | None = None,
) -> CodeType:
    """``compile(python, filename, "exec")`` of a generated unit (its module
    code defines its functions), sharing the compilation of each function
    with the functions of the same shape.

    ``functions``: each function's text with its generated names marked and
    its first line, as `Compiler.render` hands them over; a unit without
    them (not generated by `Compiler.render`) is compiled whole. A shape's
    template is made (from its first function's code) when the shape comes
    a second time: most shapes come once, and then cost only a key in
    memory (and a reference to that code). ``root`` and ``tag`` name the
    unit (unused: every numbered name is replaced).
    """
    if functions is None or "_cs_" in python or _MARK[0] in python:
        return _compile(python, filename)
    codes: list[CodeType] = []
    try:
        for chunk, line in functions:
            code = _marked_function(chunk, filename, line)
            if code is None:
                return _compile(python, filename)
            codes.append(code)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return _compile(python, filename)  # raises what compile() raises
    return module_code(codes, filename)
