"""One `compile()` for generated units that differ only in names and strings.

`compile()` costs about a third of a microsecond per byte of generated Python
and is most of a cold evaluation's front end. Many units have the same shape:
the packages of a package set, the options of a module set, every
`mkOption { type = ...; default = ...; }` thunk deferred on its own. Two units
of one shape differ only in

- their module-level names (a unit's tag: ``th9_12_3``, ``K9_12_4``),
- the numbers of their variables (``v2683``: one counter per file),
- their string literals (attribute names, messages, Nix strings).

:func:`compile_unit` replaces those by placeholders, compiles each shape once,
and gives every unit of that shape a copy of the code objects with its own
names, variables and strings put back (``CodeType.replace``): the same code
`compile()` would have made from the unit's own text (``tests/compiler``
checks that, code object by code object, on real files).

A shape is shared only when the compiled template holds every placeholder
string intact (CPython folds constant expressions such as ``'ab'[0]``; such a
unit is compiled on its own) and no closure cells (generated code has none).
Empty strings stay in the shape: their truth value can decide a branch.
"""

from __future__ import annotations

import ast
import hashlib
import re
import threading
from types import CodeType
from typing import Any

# Units above this size are compiled on their own: large units are seldom
# alike, and normalising costs a tenth of compiling.
MAX_SHARED_BYTES = 32768
# Shapes remembered (a digest each; the template of those seen twice).
MAX_SHAPES = 65536

_MARK = "\x00\x01s"
_STRING = re.compile(r"""('[^'\\\n]*(?:\\.[^'\\\n]*)*'|"[^"\\\n]*(?:\\.[^"\\\n]*)*")""")
_VARIABLE = re.compile(r"v[0-9]+")
# A name made from a tagged one (``th9_12_3`` -> ``th_cs_3``).
_TAGGED = re.compile(r"[A-Za-z]+_cs_[0-9]\w*")

# Shape digest -> its template code, _ONCE (seen once), or None (not shareable).
_shapes: dict[bytes, object] = {}
_ONCE = object()
_NEW = object()
_lock = threading.Lock()
stats = {"shared": 0, "compiled": 0, "unshareable": 0}


class _Shape:
    """A unit's text with names, variables and strings replaced, and what was replaced."""

    def __init__(self, python: str, root: str, tag: str) -> None:
        parts = _STRING.split(python)
        # One placeholder per distinct value: CPython stores equal constants once.
        numbers: dict[str, str] = {}
        for k in range(1, len(parts), 2):
            lit = parts[k]
            if len(lit) > 2:  # '' stays: its truth value may be folded into a branch
                value = lit[1:-1] if "\\" not in lit else ast.literal_eval(lit)
                placeholder = numbers.get(value)
                if placeholder is None:
                    placeholder = numbers[value] = f"'\\x00\\x01s{len(numbers)}'"
                parts[k] = placeholder
        strings = list(numbers)
        text = "".join(parts)
        if tag:
            text = text.replace(root + "(", "_cs_root(").replace(tag, "_cs_")
        found = dict.fromkeys(_VARIABLE.findall(text))
        names = {f"_cs_v{n}": v for n, v in enumerate(found)}
        if found:
            placeholders = {v: p for p, v in names.items()}
            text = _VARIABLE.sub(lambda m: placeholders[m.group()], text)
        names["_cs_root"] = root
        self.names = names  # placeholder -> the unit's name (tagged names: by `tag`)
        self.tag = tag
        self.strings = strings  # the unit's string values, by placeholder number
        self.text = text

    def instantiate(self, template: CodeType, filename: str) -> CodeType:
        """The template's code with this unit's names and strings."""
        names = self.names
        strings = self.strings
        marks = len(_MARK)

        def const(c: Any) -> Any:
            t = type(c)
            if t is str:
                return strings[int(c[marks:])] if c.startswith(_MARK) else c
            if t is CodeType:
                return code(c)
            if t is tuple:
                return tuple(map(const, c))
            if t is frozenset:
                return frozenset(map(const, c))
            return c

        tag = self.tag

        def name(n: str) -> str:
            if "_cs_" not in n:
                return n
            found = names.get(n)
            return found if found is not None else n.replace("_cs_", tag)

        def code(c: CodeType) -> CodeType:
            fn_name = name(c.co_name)
            return c.replace(
                co_names=tuple(map(name, c.co_names)),
                co_varnames=tuple(map(name, c.co_varnames)),
                co_consts=tuple(map(const, c.co_consts)),
                co_name=fn_name,
                co_qualname=fn_name,
                co_filename=filename,
            )

        return code(template)


def _valid(template: CodeType, count: int, names: dict[str, str]) -> bool:
    """Whether every placeholder string is in the template intact (none folded),
    every placeholder name is one made by :class:`_Shape`, and no code object
    has closure cells."""
    seen: set[str] = set()
    stack: list[object] = [template]
    while stack:
        c = stack.pop()
        if isinstance(c, CodeType):
            if c.co_cellvars or c.co_freevars:
                return False
            for n in (c.co_name, *c.co_names, *c.co_varnames):
                if "_cs_" in n and n not in names and _TAGGED.fullmatch(n) is None:
                    return False
            stack.extend(c.co_consts)
        elif isinstance(c, str):
            if _MARK[0] in c:
                if not c.startswith(_MARK) or not c[len(_MARK) :].isdigit():
                    return False
                seen.add(c)
        elif isinstance(c, (tuple, frozenset)):
            stack.extend(c)
    return len(seen) == count


def compile_unit(python: str, filename: str, root: str, tag: str) -> CodeType:
    """``compile(python, filename, "exec")`` of a generated unit rooted at
    ``root`` whose module-level names carry ``tag`` (empty for `main`),
    sharing the compilation with the units of the same shape.

    A shape's template is made when the shape comes a second time: most
    shapes come once, and then cost only a digest in memory.
    """
    if len(python) > MAX_SHARED_BYTES or "_cs_" in python or _MARK[0] in python:
        return compile(python, filename, "exec")
    shape = _Shape(python, root, tag)
    key = hashlib.blake2b(shape.text.encode(), digest_size=16).digest()
    found = _shapes.get(key, _NEW)
    if found is _NEW:  # first of its shape
        _remember(key, _ONCE)
        stats["compiled"] += 1
        return compile(python, filename, "exec")
    if found is _ONCE:  # second of its shape: make the template
        template: CodeType | None
        try:
            template = compile(shape.text, filename, "exec")
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            template = None
        if template is not None and not _valid(template, len(shape.strings), shape.names):
            template = None
        _remember(key, template)
        found = template
    if found is None:
        stats["unshareable"] += 1
        return compile(python, filename, "exec")
    stats["shared"] += 1
    assert isinstance(found, CodeType)
    return shape.instantiate(found, filename)


def _remember(key: bytes, entry: object) -> None:
    with _lock:
        if len(_shapes) >= MAX_SHAPES:
            _shapes.clear()
        _shapes[key] = entry
