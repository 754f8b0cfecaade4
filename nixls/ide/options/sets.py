"""Option sets evaluated once in the background, cached, refreshed on change.

:class:`OptionSets` holds the declared sets and, for each, the evaluated
:class:`~nixls.ide.options.tree.OptionTree` (or why it failed). Loading
runs on a daemon thread; nobody waits for it: a question about a set that
is not ready yet gets no answer (the caller shows nothing rather than
blocking the editor). A set is dropped and loaded again when a file its
evaluation read changes, or when its declaration changes.
"""

from __future__ import annotations

import concurrent.futures
import fnmatch
import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

from evaluator.api import CompileCache, Evaluator
from evaluator.io import EvalIO, ReadPolicy
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from evaluator.vm.loop import Budget
from nixls.ide.flake.lock import store_dir
from nixls.ide.options import auto, computed, names_cache
from nixls.ide.options.spec import OptionSetSpec
from nixls.ide.options.tree import OptionTree

LOAD_TIMEOUT = 300.0  # seconds for evaluating a set (its first level)
LOAD_MEMORY = 2048 * 2**20  # bytes a set's evaluation may grow the process by


@dataclass
class LoadedSet:
    """The state of one option set."""

    spec: OptionSetSpec
    future: concurrent.futures.Future[OptionTree] = field(default_factory=concurrent.futures.Future)
    error: str | None = None
    seconds: float = 0.0  # wall time of the evaluation
    cpu_seconds: float = 0.0  # CPU time of its thread
    cancel: threading.Event = field(default_factory=threading.Event)
    files: frozenset[str] = frozenset()  # files the evaluation read

    @property
    def tree(self) -> OptionTree | None:
        """The evaluated set, if ready."""
        if not self.future.done() or self.future.exception() is not None:
            return None
        return self.future.result()


def load(
    spec: OptionSetSpec,
    policy: ReadPolicy,
    cancel: threading.Event,
    search_path: list[tuple[str, str]] | None = None,
) -> tuple[OptionTree, frozenset[str]]:
    """Evaluate ``spec`` (the names of its first level; the rest is read on demand).

    Returns the tree and the files the evaluation read. Raises
    :class:`NixError` when the expression fails.
    """
    # An automatic set is `builtins.getFlake` of a workspace flake: flakes on, for it only.
    features = frozenset({"flakes"}) if spec.auto else frozenset()
    context = EvalContext(
        io=EvalIO(policy),
        allow_env=False,
        environ={},
        experimental_features=features,
        store_dir=store_dir(),  # where a flake's locked inputs are found
    )
    context.search_path = list(search_path or [])
    ev = Evaluator(
        context,
        budget=Budget(timeout=LOAD_TIMEOUT, max_memory=LOAD_MEMORY, cancel=cancel),
        compile_cache=CompileCache(max_files=4096),
        cancel=cancel,
    )
    base = os.path.abspath(spec.base_dir)
    source = os.path.join(base, f"<option set {spec.name}>")
    root = ev.force(ev.source_thunk(spec.expr, path=source, base_dir=base))
    return OptionTree(ev, root), computed.files_read(context)


class OptionSets:
    """The declared option sets of a workspace and their evaluations."""

    def __init__(self, on_ready: Callable[[LoadedSet], None] | None = None) -> None:
        self.specs: list[OptionSetSpec] = []
        self._sets: dict[tuple[str, str, str], LoadedSet] = {}
        self._lock = threading.Lock()
        # ``on_ready`` is also called (with a stand-in's entry) when computed
        # configurations were named: which set applies to a file may have changed.
        self.on_ready = on_ready
        # The sets computed configurations became, by their stand-in's key.
        self._expanded: dict[tuple[str, str, str], list[OptionSetSpec]] = {}
        # Where computed configurations are kept across restarts (None: nowhere).
        self.cache_dir: str | None = None

    def _from_disk(self, specs: Iterable[OptionSetSpec]) -> None:
        """Name the computed configurations of ``specs`` kept by an earlier server."""
        for spec in specs:
            if spec.computed is None or self.cache_dir is None or spec.key in self._expanded:
                continue
            found = names_cache.load(self.cache_dir, spec.base_dir, spec.computed)
            if found:
                with self._lock:
                    self._expanded[spec.key] = computed.specs_of(spec, found)

    def configure(self, specs: Iterable[OptionSetSpec]) -> None:
        """Replace the declared sets; evaluations of unchanged ones are kept."""
        specs = list(specs)
        self._from_disk(specs)
        with self._lock:
            self.specs = [x for s in specs for x in self._expanded.get(s.key, [s])]
            keep = {s.key for s in self.specs}
            for key in [k for k in self._sets if k not in keep]:
                self._sets.pop(key).cancel.set()

    def get(
        self,
        spec: OptionSetSpec,
        policy: ReadPolicy,
        search_path: list[tuple[str, str]] | None = None,
    ) -> LoadedSet:
        """The state of ``spec``'s set; starts its evaluation the first time."""
        with self._lock:
            found = self._sets.get(spec.key)
            if found is not None:
                return found
            entry = self._sets[spec.key] = LoadedSet(spec)
        if spec.computed is not None:
            threading.Thread(
                target=self._expand,
                args=(entry, policy),
                daemon=True,
                name=f"nixls-options-names-{spec.name}",
            ).start()
        thread = threading.Thread(
            target=self._load,
            args=(entry, policy, search_path),
            daemon=True,
            name=f"nixls-options-{spec.name}",
        )
        thread.start()
        return entry

    def _load(
        self, entry: LoadedSet, policy: ReadPolicy, search_path: list[tuple[str, str]] | None
    ) -> None:
        started, cpu = time.monotonic(), time.thread_time()
        try:
            tree, files = load(entry.spec, policy, entry.cancel, search_path)
        except NixError as exc:
            entry.error = str(getattr(exc, "message", None) or exc).splitlines()[0]
            entry.future.set_exception(exc)
        except Exception as exc:  # a crash must not kill the thread silently
            entry.error = f"{type(exc).__name__}: {exc}"
            entry.future.set_exception(exc)
        else:
            entry.files = files
            entry.future.set_result(tree)
        entry.seconds = time.monotonic() - started
        entry.cpu_seconds = time.thread_time() - cpu
        if self.on_ready is not None:
            self.on_ready(entry)

    def _expand(self, entry: LoadedSet, policy: ReadPolicy) -> None:
        """(thread) Name the configurations a stand-in set stands for; each gets its set."""
        spec, reads = entry.spec, names_cache.Reads()
        configurations = computed.configurations(spec, policy, entry.cancel, reads)
        found = computed.specs_of(spec, configurations)
        if found and self.cache_dir is not None and not entry.cancel.is_set():
            assert spec.computed is not None
            names_cache.store(self.cache_dir, spec.base_dir, spec.computed, configurations, reads)
        with self._lock:
            if not found or entry.spec not in self.specs or entry.cancel.is_set():
                return
            self._expanded[entry.spec.key] = found
            at = self.specs.index(entry.spec)
            self.specs = self.specs[:at] + found + self.specs[at + 1 :]
            self._sets.pop(entry.spec.key, None)  # named again if the stand-in comes back
        entry.cancel.set()
        if self.on_ready is not None:
            self.on_ready(entry)

    def changed(self, paths: Iterable[str]) -> list[OptionSetSpec]:
        """Drop the sets whose evaluation read one of ``paths``, and find the
        automatic sets of a flake again when its `flake.nix` or one of their module
        files changed (an edited ``imports`` changes which files a set applies to).
        Returns the specs whose state changed."""
        changed = {os.path.abspath(p) for p in paths}
        dropped = []
        with self._lock:
            for key, entry in list(self._sets.items()):
                if entry.future.done() and entry.files & changed:
                    del self._sets[key]
                    entry.cancel.set()
                    dropped.append(entry.spec)
        return dropped + self._refind(changed)

    def _refind(self, changed: set[str]) -> list[OptionSetSpec]:
        """The automatic sets of the flakes ``changed`` touches, found again."""
        out: list[OptionSetSpec] = []
        for flake_dir in dict.fromkeys(s.base_dir for s in self.specs if s.auto):
            mine = [s for s in self.specs if s.auto and s.base_dir == flake_dir]
            listed = any(fnmatch.fnmatchcase(p, g) for x in mine for g in x.files for p in changed)
            flake_files = {os.path.join(flake_dir, n) for n in ("flake.nix", "flake.lock")}
            if not (listed or changed & flake_files):
                continue
            found = auto.flake_specs(os.path.join(flake_dir, "flake.nix"))
            with self._lock:
                self._expanded = {
                    k: v for k, v in self._expanded.items() if v[0].base_dir != flake_dir
                }
            self._from_disk(found)
            found = [x for s in found for x in self._expanded.get(s.key, [s])]
            with self._lock:
                # Read again under the lock: a stand-in may have been named meanwhile.
                mine = [s for s in self.specs if s.auto and s.base_dir == flake_dir]
                at = self.specs.index(mine[0]) if mine else len(self.specs)
                rest = [s for s in self.specs if s not in mine]
                self.specs = rest[:at] + found + rest[at:]
                keep = {s.key for s in self.specs}
                for key in [k for k in self._sets if k not in keep]:
                    self._sets.pop(key).cancel.set()
            if found != mine:
                out += found or mine
        return out

    def stop(self) -> None:
        """Cancel every running evaluation."""
        with self._lock:
            for entry in self._sets.values():
                entry.cancel.set()
