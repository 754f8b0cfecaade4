"""Module option sets behind the analysis host, in plain data.

Which set applies to a document (:mod:`nixls.ide.options.spec`), its
evaluation on a background thread (:mod:`nixls.ide.options.sets`), and a
document's option questions — completion, hover, declarations,
diagnostics and their fixes — answered off the loop by
:mod:`nixls.ide.options.service`. The LSP layer converts the answers; it is
told when a set starts loading (to show work-done progress) and when one
is ready (to publish the option diagnostics of the documents using it).
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING

from evaluator.compiler.diagnostics import Diagnostic
from nixls.ide.options import auto, names_cache, queries, service
from nixls.ide.options.sets import LoadedSet, OptionSets
from nixls.ide.options.spec import specs_from_settings
from nixls.ide.options.tree import Declaration, OptionTree
from nixls.ide.reads import read_policy, search_path
from nixls.project_config import adjust

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit, Workspace
    from nixls.settings import Settings

DIAGNOSTICS_WAIT = 5.0  # seconds option diagnostics wait for a busy set


class HostOptions:
    """The workspace's option sets and the last option fixes of each document."""

    def __init__(self, settings: Callable[[], Settings], files: Workspace) -> None:
        self._settings = settings
        self._files = files
        self.sets = OptionSets(on_ready=self._finished)
        # uri -> (generation, fixes) of the last option diagnostics.
        self.fixes: dict[str, tuple[int, list[queries.OptionFix]]] = {}
        # (loop) a set started loading; (worker thread) a set finished.
        self.on_start: Callable[[LoadedSet], None] | None = None
        self.on_ready: Callable[[LoadedSet], None] | None = None
        self._announced: set[tuple[str, str, str]] = set()

    def configure(self) -> list[str]:
        """Read the declared sets (nixls.toml and the editor's settings), then the
        automatic ones of the workspace's flakes; returns the problems found."""
        roots = self._files.roots
        specs, problems = specs_from_settings(
            self._settings().options, roots[0] if roots else os.getcwd()
        )
        cache = self._settings().eval.compile_cache
        self.sets.cache_dir = names_cache.directory(os.environ) if cache else None
        self.sets.configure([*specs, *auto.workspace_specs(roots)])
        return [str(p) for p in problems]

    def files_changed(self, paths: list[str]) -> bool:
        """Files changed on disk: drop the sets that read them; whether any was."""
        if not self.sets.changed(paths):
            return False
        self._announced.clear()
        return True

    def entry(self, unit: Unit) -> LoadedSet | None:
        """The option set of ``unit`` (its evaluation starts the first time)."""
        if not self.sets.specs:
            return None
        cfg = self._settings().eval
        spec_dirs = [d for s in self.sets.specs for d in (s.base_dir, *s.read_roots)]
        policy = read_policy(cfg, [*self._files.roots, *spec_dirs], None)
        found = service.loaded_set(self.sets, view_of(unit), policy, search_path(cfg))
        if found is not None and found.spec.key not in self._announced:
            self._announced.add(found.spec.key)
            if self.on_start is not None:
                self.on_start(found)
        return found

    def tree(self, unit: Unit) -> OptionTree | None:
        """The evaluated set of ``unit``, if ready."""
        found = self.entry(unit)
        return found.tree if found is not None else None

    def _finished(self, found: LoadedSet) -> None:
        if self.on_ready is not None:
            self.on_ready(found)

    def stop(self) -> None:
        """Cancel every running set evaluation."""
        self.sets.stop()

    # ------------------------------------------------------------ questions (off the loop)

    async def items(self, unit: Unit, offset: int) -> list[queries.OptionItem] | None:
        """Option names at ``offset`` (None: not an option path, or the set is not ready)."""
        tree = self.tree(unit)
        if tree is None:
            return None
        return await unit.settled(
            lambda: asyncio.to_thread(service.completion, tree, view_of(unit), offset)
        )

    async def hover(self, unit: Unit, offset: int) -> tuple[str, tuple[int, int]] | None:
        """Markdown about the option path segment at ``offset``, and its span."""
        found = self.entry(unit)
        tree = found.tree if found is not None else None
        if tree is None or found is None:
            return None
        base = found.spec.base_dir
        return await unit.settled(
            lambda: asyncio.to_thread(service.hover, tree, view_of(unit), offset, base)
        )

    async def declarations(self, unit: Unit, offset: int) -> list[Declaration] | None:
        """Where the option at ``offset`` is declared (None or empty: nowhere known)."""
        tree = self.tree(unit)
        if tree is None:
            return None
        return await unit.settled(
            lambda: asyncio.to_thread(service.definition, tree, view_of(unit), offset)
        )

    async def documentation(self, unit: Unit, path: Sequence[str]) -> str | None:
        """The Markdown of the option at ``path`` (a completion item resolved later)."""
        tree = self.tree(unit)
        if tree is None:
            return None
        return await asyncio.to_thread(service.documentation, tree, tuple(path))

    async def diagnostics(self, unit: Unit, generation: int) -> list[Diagnostic] | None:
        """The option diagnostics of ``unit`` under the settings (None: no set ready).

        Their fixes are kept for :meth:`fixes_in`, for text ``generation``.
        """
        tree = self.tree(unit)
        if tree is None:
            return None
        cancel = threading.Event()
        result = await unit.settled(
            lambda: asyncio.to_thread(
                service.diagnostics, tree, view_of(unit), cancel, DIAGNOSTICS_WAIT
            )
        )
        if result is None:
            return None
        diags, fixes = result
        self.fixes[unit.uri] = (generation, fixes)
        cfg = self._settings().diagnostics
        return adjust(diags, cfg.ignored, cfg.severity)

    def fixes_in(self, uri: str, generation: int, lo: int, hi: int) -> list[queries.OptionFix]:
        """The "did you mean" fixes touching ``[lo, hi]`` of text ``generation``."""
        known, fixes = self.fixes.get(uri, (-1, []))
        return service.fixes_in(fixes, lo, hi) if known == generation else []


def view_of(unit: Unit) -> service.DocumentView:
    """The plain data the option queries read."""
    parsed = unit.parse_result
    return service.DocumentView(unit.path, unit.source, parsed.root, bool(parsed.errors))
