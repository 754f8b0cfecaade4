"""Per-evaluation settings and state that builtins need.

An :class:`EvalContext` is installed for the duration of one evaluation
(:func:`use_context`); builtins read it with :func:`current`. It carries the
I/O object through which every file access goes (:class:`evaluator.io.EvalIO`,
with the read policy), environment access, the store directory, the search
path for `<...>` lookups, where `trace` writes, the loader `import` uses, and
caches shared by every `import` in the evaluation.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any, Protocol, TextIO

from evaluator.io import EvalIO, ReadPolicy
from evaluator.vm.errors import NixError
from evaluator.vm.values import Attrs, Frame, Thunk


class Loader(Protocol):
    """What `import` and `scopedImport` need: files turned into values.

    The evaluator's entry point (:mod:`evaluator.api`) installs one; the
    builtins only know this interface.
    """

    def file_thunk(self, ctx: EvalContext, path: str) -> Thunk:
        """The lazy value of the file at ``path`` (once per context)."""
        ...

    def scoped_file_frame(self, ctx: EvalContext, path: str, scope: Attrs) -> Frame:
        """A frame evaluating the file at ``path`` with ``scope``'s names in scope."""
        ...


class _NoLoader:
    """The loader of a context no evaluator owns: importing is an error."""

    def file_thunk(self, ctx: EvalContext, path: str) -> Thunk:
        raise NixError(f"cannot import '{path}': no evaluator is running")

    def scoped_file_frame(self, ctx: EvalContext, path: str, scope: Attrs) -> Frame:
        raise NixError(f"cannot import '{path}': no evaluator is running")


class EvalContext:
    """Settings and caches of one evaluation.

    ``search_path``: `-I` entries and NIX_PATH entries, in lookup order:
    (prefix, path); prefix "" means a plain directory entry. ``io``: every
    file access; its policy says what may be read (anywhere by default:
    CLI); ``allowed_roots`` is shorthand for
    ``io=EvalIO(ReadPolicy.restricted(roots=allowed_roots))``.
    ``allow_env``: whether `getEnv` sees the real environment (the editor
    says no); ``environ``: the environment `getEnv` reads (None: the
    process's). ``experimental_features``: Nix experimental features
    enabled (`--extra-experimental-features`): those that change the
    language (`pipe-operators`, `parse-toml-timestamps`) and those that add
    builtins (`flakes`); none by default, as in Nix. ``stderr``: where
    `trace` and warnings go. ``import_cache``: compiled files for `import`
    by absolute path; ``import_values``: imported values by absolute path
    (import is pure); ``extra``: a free slot for other subsystems (e.g.
    store path caches); ``loader``: turns files into values for `import`
    (set by the evaluator running this context).
    """

    # A plain class, not a dataclass: importing `dataclasses` (inspect, ast,
    # dis) was a tenth of the start-up of `nixls eval`.
    def __init__(
        self,
        search_path: list[tuple[str, str]] | None = None,
        io: EvalIO | None = None,
        allowed_roots: list[str] | None = None,
        allow_env: bool = True,
        environ: dict[str, str] | None = None,
        store_dir: str = "/nix/store",
        current_system: str = "x86_64-linux",
        experimental_features: frozenset[str] = frozenset(),
        stderr: TextIO | None = None,
        import_cache: dict[str, Any] | None = None,
        import_values: dict[str, Any] | None = None,
        extra: dict[str, Any] | None = None,
        loader: Loader | None = None,
    ) -> None:
        self.search_path = search_path if search_path is not None else []
        if allowed_roots is not None:
            io = EvalIO(ReadPolicy.restricted(roots=allowed_roots))
        self.io = io if io is not None else EvalIO()
        self.allow_env = allow_env
        self.environ = environ
        self.store_dir = store_dir
        self.current_system = current_system
        self.experimental_features = experimental_features
        self.stderr: TextIO = stderr if stderr is not None else sys.stderr
        self.import_cache = import_cache if import_cache is not None else {}
        self.import_values = import_values if import_values is not None else {}
        self.extra = extra if extra is not None else {}
        self.loader: Loader = loader if loader is not None else _NoLoader()

    def __repr__(self) -> str:
        return (
            f"EvalContext(search_path={self.search_path!r}, io={self.io!r}, "
            f"store_dir={self.store_dir!r}, current_system={self.current_system!r})"
        )

    def getenv(self, name: str) -> str:
        """`builtins.getEnv` under the policy."""
        if not self.allow_env:
            return ""
        env = self.environ if self.environ is not None else os.environ
        return env.get(name, "")


_CURRENT: contextvars.ContextVar[EvalContext] = contextvars.ContextVar("nixls_eval_context")


def current() -> EvalContext:
    """The context of the running evaluation.

    Outside any (a builtin run directly, as unit tests do), a context that
    may read no file and sees no environment; it is kept for the rest of
    the calling thread's context so its caches stay consistent.
    """
    try:
        return _CURRENT.get()
    except LookupError:
        ctx = EvalContext(io=EvalIO(ReadPolicy.nothing()), allow_env=False, environ={})
        _CURRENT.set(ctx)
        return ctx


@contextmanager
def use_context(ctx: EvalContext) -> Iterator[EvalContext]:
    """Install ``ctx`` as the current context for a block."""
    token = _CURRENT.set(ctx)
    try:
        yield ctx
    finally:
        _CURRENT.reset(token)
