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
from dataclasses import InitVar, dataclass, field
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


@dataclass
class EvalContext:
    """Settings and caches of one evaluation."""

    # `-I` entries and NIX_PATH entries, in lookup order: (prefix, path);
    # prefix "" means a plain directory entry.
    search_path: list[tuple[str, str]] = field(default_factory=list)
    # Every file access; its policy says what may be read (anywhere by default: CLI).
    io: EvalIO = field(default_factory=EvalIO)
    # Shorthand for ``io=EvalIO(ReadPolicy.restricted(roots=allowed_roots))``.
    allowed_roots: InitVar[list[str] | None] = None
    # Whether `getEnv` sees the real environment (the editor says no).
    allow_env: bool = True
    # The environment `getEnv` reads; None means the process environment.
    environ: dict[str, str] | None = None
    store_dir: str = "/nix/store"
    current_system: str = "x86_64-linux"
    # Experimental features enabled (`--extra-experimental-features`), e.g. "flakes".
    experimental_features: frozenset[str] = frozenset()
    # Where `trace` and warnings go.
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    # Cache of compiled files for `import`: absolute path -> compiled code.
    import_cache: dict[str, Any] = field(default_factory=dict)
    # Cache of imported values: absolute path -> value (import is pure).
    import_values: dict[str, Any] = field(default_factory=dict)
    # Free slot for other subsystems (e.g. store path caches).
    extra: dict[str, Any] = field(default_factory=dict)
    # Turns files into values for `import` (set by the evaluator running this context).
    loader: Loader = field(default_factory=_NoLoader)

    def __post_init__(self, allowed_roots: list[str] | None) -> None:
        if allowed_roots is not None:
            self.io = EvalIO(ReadPolicy.restricted(roots=allowed_roots))

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
