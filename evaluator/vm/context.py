"""Per-evaluation settings and state that builtins need.

An :class:`EvalContext` is installed for the duration of one evaluation
(:func:`use_context`); builtins read it with :func:`current`. It carries the
policy (what may be read, environment access, store directory), the search
path for `<...>` lookups, where `trace` writes, and caches shared by every
`import` in the evaluation.
"""

from __future__ import annotations

import contextvars
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Any, TextIO


@dataclass
class EvalContext:
    """Settings and caches of one evaluation."""

    # `-I` entries and NIX_PATH entries, in lookup order: (prefix, path);
    # prefix "" means a plain directory entry.
    search_path: list[tuple[str, str]] = field(default_factory=list)
    # Directories under which files may be read; None means anywhere (CLI).
    allowed_roots: list[str] | None = None
    # Whether `getEnv` sees the real environment (the editor says no).
    allow_env: bool = True
    # The environment `getEnv` reads; None means the process environment.
    environ: dict[str, str] | None = None
    store_dir: str = "/nix/store"
    current_system: str = "x86_64-linux"
    # Nix experimental features that change the language (`pipe-operators`,
    # `parse-toml-timestamps`); none by default, as in Nix.
    features: frozenset[str] = frozenset()
    # Where `trace` and warnings go.
    stderr: TextIO = field(default_factory=lambda: sys.stderr)
    # Cache of compiled files for `import`: absolute path -> compiled code.
    import_cache: dict[str, Any] = field(default_factory=dict)
    # Cache of imported values: absolute path -> value (import is pure).
    import_values: dict[str, Any] = field(default_factory=dict)
    # Free slot for other subsystems (e.g. store path caches).
    extra: dict[str, Any] = field(default_factory=dict)

    def may_read(self, path: str) -> bool:
        """Whether the policy allows reading ``path`` (absolute)."""
        if self.allowed_roots is None:
            return True
        real = os.path.realpath(path)
        for root in self.allowed_roots:
            root_real = os.path.realpath(root)
            if real == root_real or real.startswith(root_real.rstrip("/") + "/"):
                return True
        return False

    def getenv(self, name: str) -> str:
        """`builtins.getEnv` under the policy."""
        if not self.allow_env:
            return ""
        env = self.environ if self.environ is not None else os.environ
        return env.get(name, "")


_CURRENT: contextvars.ContextVar[EvalContext] = contextvars.ContextVar("nixls_eval_context")


def current() -> EvalContext:
    """The context of the running evaluation (a default one outside any)."""
    try:
        return _CURRENT.get()
    except LookupError:
        ctx = EvalContext()
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
