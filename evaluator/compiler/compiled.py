"""Compiled files: units of generated code, and loading them into an evaluation.

A file is compiled to *units*: the unit of `main` at once, and one unit per
deferred thunk (see :data:`~evaluator.compiler.codegen.DEFER_BYTES`) when an
evaluation first forces it. Units come from the code generator or from the
on-disk cache (:mod:`evaluator.cache`); a unit the cache lacks is generated
by a compiler rebuilt from the text. Module-level names are unique per unit
(:func:`unit_tag`), so units of either origin load into one namespace.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Mapping
from functools import partial
from types import CodeType
from typing import TYPE_CHECKING, Any

from evaluator.compiler import late
from evaluator.compiler.codegen_globals import BASE_GLOBALS
from evaluator.vm import runtime
from evaluator.vm.errors import NixError
from evaluator.vm.frames import CODE_INFO, SourceText
from evaluator.vm.gc_tuning import FRONT_END_GC, ONE_SHOT_GC
from evaluator.vm.values import Thunk

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler


class Unit:
    """Generated functions compiled together: a root and its descendants,
    except nested deferred thunks (``deferred``: their roots). Shared by
    every evaluation of the file; ``consts`` and ``globals`` are the module
    names its code needs besides :data:`BASE_GLOBALS`. A unit read from the
    cache has no ``python``, only its code (registered with
    :data:`CODE_INFO` when it first loads); ``line_contexts`` are the trace
    entries of lines inside operands (see ``Compiler.in_context``). In a
    process that ends after its evaluation (``nixls eval``), ``python`` is
    dropped once compiled: nothing reads it again there (a cold
    home-manager run kept 16 MB of it to the end).
    """

    # A plain class, not a dataclass: `dataclasses` imports inspect, ast and
    # dis, a tenth of the start-up of `nixls eval`.
    __slots__ = (
        "root",
        "_python",
        "line_spans",
        "infos",
        "deferred",
        "consts",
        "globals",
        "code",
        "registered",
        "line_contexts",
        "functions",
        "pending",
        "late",
    )

    def __init__(
        self,
        root: str,
        python: str | None,
        line_spans: Mapping[int, tuple[Any, int, int]],
        infos: Mapping[str, tuple[str | None, tuple[Any, int, int]]],
        deferred: list[str],
        consts: Mapping[str, Any],
        globals: dict[str, str],
        code: CodeType | None = None,
        line_contexts: Mapping[int, tuple[tuple[str, tuple[Any, int, int] | None], ...]]
        | None = None,
        pending: Mapping[str, tuple[str, int]] | None = None,
    ) -> None:
        self.root = root
        # The text, or None while it is only the functions' marked texts
        # joined (made when asked for: `compile()` never needs it whole).
        self._python: str | None = python
        self.line_spans = line_spans
        self.infos = infos
        self.deferred = deferred
        self.consts = consts
        self.globals = globals
        self.code = code
        self.registered = False  # its functions known to CODE_INFO
        self.line_contexts = line_contexts if line_contexts is not None else {}
        # Each function's text with its generated names marked, and its
        # first line (see `Compiler.render`): what `code_share` normalises.
        self.functions: list[tuple[str, int]] | None = None
        # The marked texts of functions compiled on first call (``late.py``),
        # and their code once compiled.
        self.pending: Mapping[str, tuple[str, int]] = pending if pending is not None else {}
        self.late: dict[str, CodeType] = {}

    def __repr__(self) -> str:
        return f"Unit({self.root!r}, deferred={self.deferred!r})"

    @property
    def python(self) -> str:
        """The unit's generated Python ("" once dropped, see the class)."""
        python = self._python
        if python is None:
            from evaluator.compiler.codegen_base import NAME_MARK

            functions = self.functions or ()
            python = self._python = "".join([t for t, _ in functions]).replace(NAME_MARK, "")
        return python

    @python.setter
    def python(self, text: str) -> None:
        self._python = text

    def compiled(self, filename: str) -> CodeType:
        """The unit's module code (compiled once; its functions registered)."""
        code = self.code
        if code is None or not self.registered:
            if code is None:
                code = self._compile(filename)
                if ONE_SHOT_GC.active:
                    self._python = ""
            # Its functions' CodeInfo are made when an error first needs them.
            CODE_INFO.register_unit(code, (self.infos, self.line_spans, self.line_contexts))
            self.code = code
            self.registered = True
        return code

    def _compile(self, filename: str) -> CodeType:
        # Imported to compile only: code read from the cache never compiles.
        from evaluator.compiler import code_share

        try:
            tag = unit_tag(self.root) if self.root != "main" else ""
            functions = self.functions
            if not ONE_SHOT_GC.active:
                self.python  # noqa: B018 (made now: kept for readers, as before)
            if functions is not None and len(functions) > 1:
                found = self._compile_late(functions, filename, tag)
                if found is not None:
                    self.functions = None
                    return found
            python = self.python  # before the functions it may be made of go
            self.functions = None
            return code_share.compile_unit(python, filename, self.root, tag, functions)
        except (SyntaxError, RecursionError, MemoryError) as exc:
            # Python's own limits (nesting, size) on the generated code.
            root = self.infos.get(self.root)
            raise NixError("expression nested too deeply", root[1] if root else None) from exc

    def _compile_late(
        self, functions: list[tuple[str, int]], filename: str, tag: str
    ) -> CodeType | None:
        """Module code defining the root function compiled and the others as
        stand-ins compiled on first call (``late.py``), or None when the
        root is not among them."""
        from evaluator.compiler import code_share

        names = late.function_names(functions)
        if self.root not in names or len(set(names)) != len(names):
            return None
        at = names.index(self.root)
        text, line = functions[at]
        try:
            root = code_share.function_code(text, filename, line)
        except ValueError:
            return None
        if root.co_name != self.root:
            return None
        codes = late.stand_ins(self.root, names, filename)
        codes[at] = root
        self.pending = {n: f for n, f in zip(names, functions, strict=True) if n != self.root}
        # The module code defines each function under its code's name: the
        # stand-ins' names are put right afterwards.
        module = code_share.module_code(codes, filename)
        return module.replace(co_names=tuple(names))


def unit_tag(root: str) -> str:
    """The tag of the names generated in the unit of deferred thunk ``root``
    (``th12_3`` → ``12_3_``; hashed when nesting makes it long)."""
    tag = root[2:] + "_"
    if len(tag) > 20:
        import hashlib  # only the code generator needs this, and rarely

        tag = "x" + hashlib.blake2b(tag.encode(), digest_size=8).hexdigest() + "_"
    return tag


class CompiledFile:
    """A file compiled to Python: the unit of `main` at once, deferred
    thunks when an evaluation first needs them.

    ``compiler`` generates the units not yet made; a file read from the
    cache has none until it needs one: ``rebuild`` then makes it (parse,
    analyse, generate `main` again, which gives the same names).
    """

    def __init__(
        self,
        source: SourceText,
        main: Unit,
        filename: str,
        compiler: Compiler | None = None,
        rebuild: Callable[[], Compiler] | None = None,
    ) -> None:
        self.source = source
        self.filename = filename
        self.main = main
        self._compiler = compiler
        self._rebuild = rebuild
        self._units: dict[str, Unit] = {}
        # The unit holding each deferred root (to generate its unit again).
        self.parents: dict[str, str] = {}
        # Counts units added and functions compiled late: what the disk
        # cache compares to know whether an entry must be written again.
        self.changes = 0
        self.add(main)
        self._release()
        # Offset of the first pipe operator (a feature-gated syntax), if any.
        self.pipe_at: int | None = None
        # Warnings Nix prints when it parses the file.
        self.warnings: list[str] = []
        self._lock = threading.Lock()

    def add(self, unit: Unit) -> None:
        """Add a unit (unless one with its root is there)."""
        if unit.root not in self._units:
            self._units[unit.root] = unit
            self.changes += 1
            for child in unit.deferred:
                self.parents[child] = unit.root

    def units(self) -> list[Unit]:
        """The units made so far."""
        return list(self._units.values())

    def unit(self, root: str) -> Unit:
        """The unit rooted at deferred thunk ``root`` (generated on first use)."""
        found = self._units.get(root)
        if found is None:
            with self._lock:
                found = self._units.get(root)
                if found is None:
                    with FRONT_END_GC:
                        found = self._generate(root)
        return found

    def _generate(self, root: str) -> Unit:
        compiler = self._compiler
        if compiler is None:
            if self._rebuild is None:
                raise AssertionError(f"no compiler for unit {root}")
            compiler = self._compiler = self._rebuild()
            if compiler.main_deferred != self.main.deferred:
                raise AssertionError("the cached main unit differs from the generated one")
        # A unit read from the cache may hold roots this compiler has not
        # reached yet: generate the units above it first.
        chain = [root]
        while chain[-1] not in compiler.deferred:
            parent = self.parents.get(chain[-1])
            if parent is None:
                raise AssertionError(f"no deferred thunk {root}")
            chain.append(parent)
        for name in reversed(chain):
            self.add(compiler.compile_deferred(name))
        self._release()
        return self._units[root]

    def changed(self) -> None:
        """Note a change the disk cache lacks (a function compiled late)."""
        self.changes += 1

    @property
    def holds_compiler(self) -> bool:
        """Whether the file keeps its compiler (tree and analysis) for units to come."""
        return self._compiler is not None

    def _release(self) -> None:
        """Drop the compiler (the file's tree and analysis) once every
        deferred thunk known has its unit: none is left to generate."""
        compiler = self._compiler
        if compiler is not None and len(self._units) == len(self.parents) + 1:
            self._compiler = None
            compiler.close()

    @property
    def python(self) -> str:
        """The generated source so far (for debugging)."""
        return "\n".join(u.python for u in self._units.values())


def instantiate(
    compiled: CompiledFile, builtins: Mapping[str, Any], scope: Mapping[str, Any] | None = None
) -> Callable[[], Any]:
    """The root frame factory of ``compiled``, bound to ``builtins``.

    ``builtins`` maps global names (``map``, ``__typeOf``, ``builtins``...)
    to values, as visible without `builtins.` in this evaluation. ``scope``
    supplies names no scope of a file compiled with ``scoped`` defines
    (`scopedImport`).
    """
    g: dict[str, Any] = dict(BASE_GLOBALS)
    g["SCOPE"] = scope if scope is not None else {}
    loader = _Loader(compiled, g, builtins)
    g[late.LATE] = late.loader(compiled.unit, g, compiled.filename, compiled.changed)
    loader.load(compiled.main)
    main: Callable[[], Any] = g["main"]
    return main


class _Loader:
    """Runs units of one file into one evaluation's module namespace."""

    def __init__(
        self, compiled: CompiledFile, g: dict[str, Any], builtins: Mapping[str, Any]
    ) -> None:
        self.compiled = compiled
        self.g = g
        self.builtins = builtins
        self.loaded: set[str] = set()  # the roots of the units run into ``g``

    def load(self, unit: Unit) -> None:
        g = self.g
        consts = unit.consts
        update_into = getattr(consts, "update_into", None)
        if update_into is not None:
            update_into(g)  # read from the cache: decoded into ``g``
        else:
            g.update(consts)
        for pyname, name in unit.globals.items():
            if name in self.builtins:
                g[pyname] = self.builtins[name]
            else:
                g[pyname] = Thunk(partial(_undefined_global, name))
        for root in unit.deferred:
            g[root] = self.stub(root)
        with FRONT_END_GC:
            code = unit.compiled(self.compiled.filename)
        exec(code, g)
        self.loaded.add(unit.root)

    def stub(self, root: str) -> Callable[..., Any]:
        """A stand-in for a deferred thunk's code: loads its unit on first call."""
        g = self.g
        loaded = self.loaded

        # Not referring to itself: a replaced stub is freed without the
        # cyclic collector (a one-shot run has frozen its generation).
        def stub(*args: Any) -> Any:
            if root not in loaded:
                self.load(self.compiled.unit(root))
            return g[root](*args)

        return stub


def _undefined_global(name: str) -> Any:
    raise runtime.undefined(name)
    yield
