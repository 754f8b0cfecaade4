"""Evaluating Nix: the entry point for the CLI and the language server.

>>> ev = Evaluator(EvalContext())
>>> ev.eval_source("1 + 2")
3

An :class:`Evaluator` evaluates files and expressions within one
:class:`~evaluator.vm.context.EvalContext` (search path, read policy,
caches: every file is parsed and compiled once per context, and imported
once). Errors are :class:`~evaluator.vm.errors.NixError` with a span and a
Nix trace; :func:`format_error` renders them as ``nix-instantiate`` does.
Every evaluation runs under the evaluator's budget and cancellation flag.
"""

from __future__ import annotations

import os
import re
import threading
from collections import OrderedDict
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING, Any

from evaluator.builtins import table as builtin_table
from evaluator.compiler.compiled import CompiledFile, instantiate
from evaluator.io import EvalIO
from evaluator.vm import memory, ops
from evaluator.vm.context import EvalContext, use_context
from evaluator.vm.deep_force import deep_force
from evaluator.vm.errors import BudgetExceeded, Cancelled, EvalTypeError, NixError
from evaluator.vm.frames import SourceText
from evaluator.vm.gc_tuning import FRONT_END_GC
from evaluator.vm.loop import Budget, CancelFlag, run
from evaluator.vm.printer import render
from evaluator.vm.values import Attrs, Call, Closure, Frame, NixList, Thunk

if TYPE_CHECKING:
    from evaluator.cache import DiskCache
    from evaluator.compiler.codegen import Compiler
    from evaluator.front_end import compile_source, feature_error, first_problem
    from evaluator.syntax_errors import NixSyntaxError

__all__ = [
    "Evaluator",
    "NixSyntaxError",
    "format_error",
    "compile_source",
    "feature_error",
    "first_problem",
    "CompileCache",
]

# Imported on first use: the front end (parser, analysis, code generator) is
# needed only when something must be compiled, not for a disk cache hit.
_FRONT_END = ("compile_source", "feature_error", "first_problem")


def __getattr__(name: str) -> Any:
    if name in _FRONT_END:
        from evaluator import front_end

        return getattr(front_end, name)
    if name == "NixSyntaxError":  # its module only when a caller asks
        from evaluator.syntax_errors import NixSyntaxError

        return NixSyntaxError
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


CORE_PKGS = "/__corepkgs__/"

# `<nix/fetchurl.nix>`: C++ Nix serves this file from memory. Ours builds
# the same kind of fixed-output derivation with the builtin fetcher.
_FETCHURL_NIX = b"""{ system ? "", url, hash ? "", sha256 ? "", sha1 ? "", md5 ? ""
, outputHash ? (if hash != "" then hash else if sha256 != "" then sha256
               else if sha1 != "" then sha1 else md5)
, outputHashAlgo ? (if hash != "" then "" else if sha256 != "" then "sha256"
                   else if sha1 != "" then "sha1" else "md5")
, executable ? false, unpack ? false, name ? baseNameOf (toString url)
}:
derivation {
  builder = "builtin:fetchurl";
  outputHashMode = if unpack || executable then "recursive" else "flat";
  inherit name url executable unpack outputHash outputHashAlgo;
  system = "builtin";
  preferLocalBuild = true;
  impureEnvVars = [ "http_proxy" "https_proxy" "ftp_proxy" "all_proxy" "no_proxy" ];
  urls = [ url ];
}
"""

_CORE_FILES = {"fetchurl.nix": _FETCHURL_NIX}


def check_features(compiled: CompiledFile, ctx: EvalContext) -> None:
    """Refuse syntax behind an experimental feature the context does not enable
    (and print the warnings Nix prints when it reads the file)."""
    for warning in compiled.warnings:
        ctx.stderr.write(warning)
    if compiled.pipe_at is not None and "pipe-operators" not in ctx.experimental_features:
        from evaluator.syntax_errors import pipe_error

        raise pipe_error(compiled.source, compiled.pipe_at)


class StdinText(SourceText):
    """Source read from standard input (``«stdin»`` in locations)."""

    @property
    def location_name(self) -> str:
        """How error locations name standard input."""
        return "«stdin»"


_SCOPED = "\0scoped"


class CompileCache:
    """Compiled files kept across evaluations, least recently used dropped first.

    The language server re-evaluates often: it holds one of these for its
    lifetime and hands it to each :class:`Evaluator`. Keyed by path, text
    and base directory; one version per file (an edited document's older
    versions are dropped). Thread-safe. With ``disk``, files and
    expressions are also read from and written to the on-disk cache
    (:meth:`flush` writes what was compiled since): a hit needs no parser,
    analysis or code generator.
    """

    def __init__(self, max_files: int = 256, *, disk: DiskCache | None = None) -> None:
        self.max_files = max_files
        self.disk = disk
        self._compiled: OrderedDict[tuple[str | None, bytes, str], CompiledFile] = OrderedDict()
        self._latest: dict[tuple[str, str], tuple[str | None, bytes, str]] = {}
        self._lock = threading.Lock()

    def compile(self, text: bytes, path: str | None, base_dir: str) -> CompiledFile:
        """:func:`compile_source`, cached."""
        return self._get((path, text, base_dir), False)

    def compile_scoped(self, text: bytes, path: str) -> CompiledFile:
        """The file for `scopedImport` (compiled apart: names may come from the scope)."""
        return self._get((path, text, _SCOPED), True)

    def flush(self) -> None:
        """Write to the disk cache what was compiled since the last flush."""
        if self.disk is not None:
            self.disk.flush()

    @staticmethod
    def _from_disk(
        disk: DiskCache, text: bytes, path: str | None, base_dir: str, scoped: bool
    ) -> CompiledFile:
        key = disk.key(text, path, base_dir, scoped)
        source = SourceText(path, text)

        def rebuild() -> Compiler:
            from evaluator.front_end import rebuild

            return rebuild(text, source, base_dir, scoped)

        with FRONT_END_GC:
            found = disk.load(key, source, rebuild)
        if found is not None:
            return found
        from evaluator.front_end import compile_source

        compiled = compile_source(text, path, base_dir, scoped=scoped)
        disk.track(key, compiled)
        return compiled

    def forget(self, path: str) -> None:
        """Forget the compiled versions of ``path`` (e.g. an editor's buffer that closed)."""
        with self._lock:
            for key in [k for k in self._compiled if k[0] == path]:
                del self._compiled[key]
                self._latest.pop((path, key[2]), None)

    def clear(self) -> None:
        """Forget every compiled file."""
        with self._lock:
            self._compiled.clear()
            self._latest.clear()

    def _get(self, key: tuple[str | None, bytes, str], scoped: bool) -> CompiledFile:
        with self._lock:
            found = self._compiled.get(key)
            if found is not None:
                self._compiled.move_to_end(key)
                return found
        path, text, base_dir = key
        if scoped:
            assert path is not None
            base_dir = os.path.dirname(path)
        if self.disk is not None:
            compiled = self._from_disk(self.disk, text, path, base_dir, scoped)
        else:
            from evaluator.front_end import compile_source

            compiled = compile_source(text, path, base_dir, scoped=scoped)
        with self._lock:
            self._remember(key, compiled)
        return compiled

    def _remember(self, key: tuple[str | None, bytes, str], compiled: CompiledFile) -> None:
        path = key[0]
        if path is not None:
            old = self._latest.get((path, key[2]))
            if old is not None and old != key:
                self._compiled.pop(old, None)
            self._latest[(path, key[2])] = key
        self._compiled[key] = compiled
        while len(self._compiled) > self.max_files:
            dropped, _ = self._compiled.popitem(last=False)
            if dropped[0] is not None and self._latest.get((dropped[0], dropped[2])) == dropped:
                del self._latest[(dropped[0], dropped[2])]


def _globals(ctx: EvalContext) -> dict[str, Any]:
    """The names visible without `builtins.` in this context's evaluations."""
    cached = ctx.extra.get("global_names")
    if cached is None:
        table = builtin_table.builtins_for(ctx)
        cached = {name: table[key] for name, key in builtin_table.GLOBALS.items() if key in table}
        ctx.extra["global_names"] = cached
    return cached  # type: ignore[no-any-return]


def _read_file(ctx: EvalContext, path: str) -> bytes:
    if path.startswith(CORE_PKGS):
        text = _CORE_FILES.get(path[len(CORE_PKGS) :])
        if text is None:
            raise NixError(f"file '{path}' was not found")
        return text
    try:
        return ctx.io.read_file(path)
    except FileNotFoundError:
        raise NixError(f"getting status of '{path}': No such file or directory") from None
    except IsADirectoryError:
        raise NixError(f"reading '{path}': Is a directory") from None
    except OSError as e:
        raise NixError(f"reading '{path}': {e.strerror}") from None


def resolve_import_path(path: str, io: EvalIO | None = None) -> str:
    """A path given to `import`: a directory means its `default.nix`.

    ``io`` is the evaluation's I/O object (by default one that may read anything).
    """
    if io is None:
        io = EvalIO()
    if not path.startswith(CORE_PKGS) and io.is_dir(path):
        return os.path.join(path, "default.nix")
    return path


class FileLoader:
    """Files turned into values for `import`/`scopedImport` (see :class:`Loader`)."""

    def __init__(self, cache: CompileCache) -> None:
        self.cache = cache

    def file_thunk(self, ctx: EvalContext, path: str) -> Thunk:
        """The (lazy) value of the file at ``path``; one per file per context."""
        # A path imported before as it is names a file (a directory's value
        # is under its `default.nix`): no `stat` to ask whether it is a
        # directory (half of home-manager's 1,568 imports are repeats).
        found = ctx.import_values.get(path)
        if found is not None:
            return found  # type: ignore[no-any-return]
        path = resolve_import_path(path, ctx.io)
        found = ctx.import_values.get(path)
        if found is not None:
            return found  # type: ignore[no-any-return]
        compiled = ctx.import_cache.get(path)
        if compiled is None:
            text = _read_file(ctx, path)
            compiled = self.cache.compile(text, path, os.path.dirname(path))
            ctx.import_cache[path] = compiled
        check_features(compiled, ctx)
        main = instantiate(compiled, _globals(ctx))
        thunk = Thunk(main)
        ctx.import_values[path] = thunk
        return thunk

    def scoped_file_frame(self, ctx: EvalContext, path: str, scope: Attrs) -> Frame:
        """`scopedImport scope path`: the file evaluated with ``scope``'s names in scope.

        Names of ``scope`` take precedence over builtins and supply names the
        file does not define; not cached (the scope differs per call).
        """
        path = resolve_import_path(path, ctx.io)
        compiled = self.cache.compile_scoped(_read_file(ctx, path), path)
        check_features(compiled, ctx)
        g = dict(_globals(ctx))
        g.update(scope)
        main = instantiate(compiled, g, scope)
        return main()


# ---------------------------------------------------------------- evaluation


class Evaluator:
    """Evaluates Nix files and expressions in one context, under a budget.

    ``budget`` limits every evaluation this evaluator runs (its counters
    accumulate); ``cancel`` (e.g. a :class:`threading.Event`) stops a running
    evaluation from another thread. ``compile_cache`` keeps compiled files
    across evaluators (a long-lived caller holds one); by default this
    evaluator has its own. ``one_shot``: the process ends after this
    evaluator's work (`nixls eval`): garbage is collected only as memory
    grows, and memory is not given back after large evaluations (see
    :func:`evaluator.vm.loop.run`).
    """

    def __init__(
        self,
        context: EvalContext | None = None,
        *,
        budget: Budget | None = None,
        cancel: CancelFlag | None = None,
        compile_cache: CompileCache | None = None,
        one_shot: bool = False,
    ) -> None:
        self.one_shot = one_shot
        self.context = context if context is not None else EvalContext()
        self.budget = budget
        self.cancel = cancel
        self.compile_cache = compile_cache if compile_cache is not None else CompileCache()
        self.context.loader = FileLoader(self.compile_cache)

    # ------------------------------------------------------------ running

    def run(self, frame: Frame) -> Any:
        """Run a generator frame to its value in this evaluator's context."""
        with use_context(self.context):
            try:
                return run(frame, self.budget, self.cancel, one_shot=self.one_shot)
            except (BudgetExceeded, Cancelled):
                # Imported values may hold what the stopped evaluation built
                # (half-forced data): dropped, so its memory is given back.
                if self.context.import_values:
                    self.context.import_values.clear()
                    memory.release()
                raise

    def force(self, value: Any) -> Any:
        """The value of ``value``, forced to weak head normal form."""
        if type(value) is not Thunk:
            return value
        if value.code is None:
            return value.value
        return self.run(_force(value))

    # ------------------------------------------------------------ sources

    def source_thunk(
        self, text: str | bytes, *, path: str | None = None, base_dir: str | None = None
    ) -> Thunk:
        """The lazy value of Nix source ``text`` (``path`` names it in errors)."""
        data = text.encode("utf-8", "surrogateescape") if isinstance(text, str) else text
        if base_dir is None:
            base_dir = os.path.dirname(path) if path is not None else os.getcwd()
        compiled = self.compile_cache.compile(data, path, base_dir)
        check_features(compiled, self.context)
        return Thunk(instantiate(compiled, _globals(self.context)))

    def node_frame(self, compiled: CompiledFile, captured: Sequence[Any]) -> Frame:
        """A frame computing a node compiled by :func:`compile_node`.

        ``captured`` holds a value (or thunk) for each name the node reads
        from outside itself, in the order ``compile_node`` listed them.
        """
        main: Any = instantiate(compiled, _globals(self.context))
        return main(*captured)  # type: ignore[no-any-return]

    def file_thunk(self, path: str) -> Thunk:
        """The lazy value of the file at ``path`` (shared with `import`)."""
        return self.context.loader.file_thunk(self.context, os.path.abspath(path))

    def eval_source(
        self,
        text: str | bytes,
        *,
        path: str | None = None,
        base_dir: str | None = None,
        strict: bool = False,
        attr_path: str | None = None,
        auto_args: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate an expression (see :meth:`eval_value` for the options)."""
        thunk = self.source_thunk(text, path=path, base_dir=base_dir)
        return self.eval_value(thunk, strict=strict, attr_path=attr_path, auto_args=auto_args)

    def eval_file(
        self,
        path: str,
        *,
        strict: bool = False,
        attr_path: str | None = None,
        auto_args: Mapping[str, Any] | None = None,
    ) -> Any:
        """Evaluate a file (a directory means its `default.nix`)."""
        thunk = self.file_thunk(path)
        return self.eval_value(thunk, strict=strict, attr_path=attr_path, auto_args=auto_args)

    def eval_value(
        self,
        value: Any,
        *,
        strict: bool = False,
        attr_path: str | None = None,
        auto_args: Mapping[str, Any] | None = None,
    ) -> Any:
        """Select ``attr_path``, auto-call with ``auto_args``, force.

        As ``nix-instantiate --eval``: functions along the attribute path are
        called with the automatic arguments; the result too when
        ``auto_args`` is not empty. ``strict`` forces the value deeply.
        """
        return self.run(_evaluate(value, strict, attr_path, dict(auto_args or {})))

    def render(self, value: Any, *, strict: bool = False) -> str:
        """``value`` printed as ``nix-instantiate --eval [--strict]`` prints it."""
        return str(self.run(print_frame(value, strict)))

    def to_json(self, value: Any, *, strict: bool = True) -> str:
        """``value`` as ``nix-instantiate --eval --json`` prints it.

        Without ``strict``, as in Nix, a value not yet evaluated anywhere in
        it is an error (``cannot convert a thunk to JSON``).
        """
        from evaluator.builtins.json import to_json

        if not strict:
            _check_evaluated(value)
        return str.__str__(self.run(to_json(value)))

    def to_xml(self, value: Any, *, location: bool = True, strict: bool = True) -> str:
        """``value`` as ``nix-instantiate --eval --xml`` prints it.

        ``location`` adds the `path`/`line`/`column` of attributes and
        functions (Nix does unless `--no-location`); without ``strict``,
        values not yet evaluated print as ``<unevaluated />``.
        """
        from evaluator.builtins.xml import xml_document

        return str(self.run(xml_document(value, strict=strict, location=location)))

    def expr_arg(self, text: str) -> Thunk:
        """An `--arg NAME EXPR` value: ``text`` evaluated lazily from the cwd."""
        return self.source_thunk(text, base_dir=os.getcwd())


def _force(value: Thunk) -> Frame:
    return (yield value)


def print_frame(value: Any, strict: bool) -> Frame:
    """Force ``value`` (deeply when ``strict``) and return its printed form."""
    if type(value) is Thunk:
        value = value.value if value.code is None else (yield value)
    if strict:
        value = yield from deep_force(value)
    return render(value)


def _check_evaluated(value: Any) -> None:
    """Raise if any part of ``value`` is an unevaluated thunk (JSON without --strict)."""
    seen: set[int] = set()
    todo = [value]
    while todo:
        v = todo.pop()
        if type(v) is Thunk:
            if v.code is not None:
                raise NixError("cannot convert a thunk to JSON")
            v = v.value
        if type(v) is NixList or type(v) is Attrs:
            if id(v) in seen:
                continue
            seen.add(id(v))
            todo.extend(v.values() if type(v) is Attrs else v)


def _evaluate(value: Any, strict: bool, attr_path: str | None, auto_args: dict[str, Any]) -> Frame:
    if attr_path:
        value = yield from select_attr_path(value, attr_path, auto_args)
    if auto_args:
        value = yield from auto_call(value, auto_args)
    if type(value) is Thunk:
        value = value.value if value.code is None else (yield value)
    if strict:
        value = yield from deep_force(value)
    return value


def auto_call(fn: Any, args: dict[str, Any]) -> Frame:
    """Nix's ``autoCallFunction``: call a function with formals from ``args``."""
    while True:
        if type(fn) is Thunk:
            fn = fn.value if fn.code is None else (yield fn)
        if type(fn) is Attrs and "__functor" in fn:
            functor = fn["__functor"]
            fn = yield Call(functor, fn)
            continue
        break
    if type(fn) is not Closure or fn.formals is None:
        return fn
    given = Attrs()
    if fn.ellipsis:
        given.update(args)
    else:
        for name, has_default in fn.formals.items():
            if name in args:
                given[name] = args[name]
            elif not has_default:
                raise EvalTypeError(
                    f"cannot evaluate a function that has an argument without a value ('{name}')"
                ).locate(fn.span)
    return (yield Call(fn, given))


def split_attr_path(path: str) -> list[str]:
    """An `-A` attribute path split on dots (quoted components allowed)."""
    out: list[str] = []
    cur: list[str] = []
    quoted = False
    for ch in path:
        if ch == '"':
            quoted = not quoted
        elif ch == "." and not quoted:
            out.append("".join(cur))
            cur = []
        else:
            cur.append(ch)
    if quoted:
        raise NixError(f"missing closing quote in selection path '{path}'")
    out.append("".join(cur))
    return out


def select_attr_path(value: Any, path: str, auto_args: dict[str, Any]) -> Frame:
    """Nix's ``findAlongAttrPath`` (`-A`): attribute names and list indices."""
    for name in split_attr_path(path):
        if name == "":
            continue
        value = yield from auto_call(value, auto_args)
        if type(value) is Thunk:
            value = value.value if value.code is None else (yield value)
        if re.fullmatch(r"[0-9]+", name):
            if type(value) is not NixList:
                raise EvalTypeError(
                    f"the expression selected by the selection path '{path}' should be a list"
                    f" but is {ops.show_type(value)}"
                )
            index = int(name)
            if index >= len(value):
                raise NixError(f"list index {index} in selection path '{path}' is out of range")
            value = value[index]
        else:
            if type(value) is not Attrs:
                raise EvalTypeError(
                    f"the expression selected by the selection path '{path}' should be a set"
                    f" but is {ops.show_type(value)}"
                )
            if name not in value:
                raise NixError(f"attribute '{name}' in selection path '{path}' not found")
            value = value[name]
    return value


# ---------------------------------------------------------------- errors


def format_error(err: NixError, *, show_trace: bool = False) -> str:
    """``err`` as C++ Nix 2.26 prints it: the trace (outermost first, function
    calls only with ``show_trace``), then ``error: message`` and its location."""
    from evaluator.vm import error_report  # only an error needs it

    return error_report.format_error(err, show_trace=show_trace)
