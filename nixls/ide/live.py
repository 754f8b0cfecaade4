"""Live evaluation for the editor: budgets, confinement, results mapped to the file.

Every evaluation runs on a worker thread (:mod:`nixls.ide.jobs`) with a fresh
:class:`EvalContext` built from the settings: reads confined to the
workspace folders (plus ``allowedPaths``, the search path and the file
itself: :mod:`nixls.ide.reads`), `getEnv`
seeing nothing, and a :class:`Budget` of steps, time and memory. Jobs are
keyed by document, so an edit cancels what was computing on the old text.

What is evaluated is a node of the document's analysed tree, in its scope
(:mod:`nixls.ide.scope_eval`), so errors are located in the document as
they are; what depends on an unknown argument is known from the error's
kind (:class:`evaluator.vm.errors.DependsOnUnknown`).
"""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, Protocol, TypeVar

from evaluator.api import CompileCache, Evaluator, NixSyntaxError, feature_error
from evaluator.builtins import table as registry
from evaluator.compiler import Analysis
from evaluator.compiler.diagnostics import Severity
from evaluator.syntax import nodes
from evaluator.vm import memory
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import BudgetExceeded, Cancelled, DependsOnUnknown, NixError
from evaluator.vm.frames import SourceText
from evaluator.vm.loop import Budget
from evaluator.vm.values import Attrs
from nixls.ide import reads, value_session, valueprint
from nixls.ide.flake.lock import read_under
from nixls.ide.jobs import JobRunner
from nixls.ide.project.arguments import nix_path, own_supply
from nixls.ide.project.buffers import BufferIO
from nixls.ide.project.discovery import Discovery
from nixls.ide.project.forcing import force_except_closures
from nixls.ide.project.project import Project
from nixls.ide.scope_eval import NodeCache, ScopeEnv
from nixls.ide.targets import node_for_span
from nixls.ide.tree import unparen
from nixls.ide.uris import uri_to_path

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument, Unit, Workspace
    from nixls.settings import EvalSettings, Settings


class Host(Protocol):
    """What evaluation reads from its owner: the current settings and files."""

    @property
    def settings(self) -> Settings: ...

    @property
    def files(self) -> Workspace: ...


T = TypeVar("T")
_builtins_lock = threading.Lock()


@dataclass
class Located:
    """A message at a span of the evaluated document."""

    start: int
    end: int
    message: str


@dataclass
class Outcome:
    """The result of one evaluation, ready to show."""

    value: str | None = None  # shallow Nix print
    type: str | None = None
    error: str | None = None
    # Where in the document the error is (None: not in this document).
    error_at: tuple[int, int] | None = None
    # "while evaluating ..." steps located in this document, innermost first.
    trace: list[Located] = field(default_factory=list)
    unknown: str | None = None  # the unknown argument the value depends on
    names: list[str] | None = None  # attribute names, for a names-only request
    # A whole-file evaluation reports every failing attribute: the errors
    # after the first (each an Outcome with only error fields set).
    more_errors: list[Outcome] = field(default_factory=list)
    # For a position request: (file, line, column), 1-based, if the set has it;
    # ``has_attr`` tells whether the value was a set with that attribute.
    position: tuple[str, int, int] | None = None
    has_attr: bool = False
    budget: bool = False  # the error is the budget running out
    cancelled: bool = False
    elapsed: float = 0.0
    # The files the evaluation read (imports, readFile), buffers included.
    read: frozenset[str] = frozenset()


@dataclass
class Request:
    """Everything a worker needs, captured on the event loop (documents change there)."""

    env: ScopeEnv
    node: nodes.Node | None  # what to evaluate; None: the whole file, as a file
    unit: Unit  # the text evaluated; holding it keeps its tree and analysis unchanged
    path: str | None
    base_dir: str
    context: EvalContext
    budget: Budget
    strict: bool
    limits: valueprint.Limits
    names_only: bool = False  # just the attribute names of a set (completion)
    # Force a set attribute by attribute, so one error does not hide the others.
    per_attribute: bool = False
    position_of: str | None = None  # where this attribute of the set is defined
    compile_cache: CompileCache | None = None  # the server's, kept across evaluations
    # Values kept across requests (nixls.ide.value_session); None: this request's own.
    session: value_session.Session | None = None
    # ``unit.tree_epoch`` before ``node`` and ``env`` were read: if it moved, an
    # edit took their tree back to update it in place (their offsets may have moved).
    epoch: int = 0

    @property
    def moved(self) -> bool:
        """Whether an edit took back the tree this request's nodes came from."""
        return self.unit.tree_epoch != self.epoch


@dataclass(frozen=True)
class EvalPolicy:
    """What an evaluation may do: the eval settings and the workspace folders."""

    settings: EvalSettings
    roots: list[str]
    # The server's compiled imported files, kept across evaluations.
    compile_cache: CompileCache | None = field(default=None, compare=False)
    # The user's nixpkgs, file roles and their arguments (None: none supplied).
    project: Project | None = field(default=None, compare=False)
    # The editor's unsaved texts, by path: evaluation reads them, not the disk.
    buffers: Mapping[str, bytes] = field(default_factory=dict, compare=False)

    def found(self) -> Discovery | None:
        """What discovery found for these settings and folders."""
        return self.project.discovery(self.settings, self.roots) if self.project else None

    def context(self, path: str | None, extra_roots: Sequence[str] = ()) -> EvalContext:
        """A fresh evaluation context for the file at ``path``.

        Reads follow :func:`nixls.ide.reads.read_policy` (the workspace
        folders, ``allowedPaths``, the search path and the file itself,
        plus the nixpkgs and flake inputs discovery found and ``extra_roots``);
        open documents are read from their buffers; `getEnv` sees nothing
        unless allowed.
        """
        cfg = self.settings
        found = self.found()
        extra = found.read_dirs() if found is not None else []
        search = reads.search_path(cfg)
        if not search and found is not None:
            search = list(found.search_path)
        store = self.project.environ.get("NIX_STORE_DIR") if self.project else None
        return EvalContext(
            store_dir=store or "/nix/store",
            search_path=search,
            io=BufferIO(
                reads.read_policy(cfg, [*self.roots, *extra, *extra_roots], path), self.buffers
            ),
            allow_env=cfg.allow_env,
            environ=None if cfg.allow_env else {},
            experimental_features=frozenset(cfg.experimental_features),
        )

    def budget(self) -> Budget:
        """The per-evaluation budget."""
        b = self.settings.budget
        return Budget(
            max_steps=max(1, b.steps),
            timeout=max(1, b.timeout_ms) / 1000,
            max_memory=max(1, b.memory_mb) * 1024 * 1024,
            max_call_depth=max(0, b.max_call_depth) or None,
        )


def request_for_span(
    doc: Unit, span: tuple[int, int], policy: EvalPolicy, *, strict: bool = False
) -> Request:
    """Prepare evaluating the expression at ``span`` of ``doc`` in its scope."""
    doc, epoch, cache = _held(doc)
    root = doc.parse_result.root
    node = node_for_span(root, *span)
    return _request(doc, node if node is not None else root, policy, strict, epoch, cache)


def request_for_file(doc: Unit, policy: EvalPolicy) -> Request:
    """Prepare evaluating a whole document, deeply, attribute by attribute.

    A file whose value is a function is evaluated inside it: its
    arguments come from ``autoArgs``, defaults, or are unknown.
    """
    doc, epoch, cache = _held(doc)
    root = unparen(doc.parse_result.root)
    body = root.body if isinstance(root, nodes.Lambda) else None
    request = _request(doc, body, policy, True, epoch, cache)
    request.per_attribute = True
    return request


def _held(doc: Unit) -> tuple[Unit, int, NodeCache]:
    """The text as it is now (an edit while the worker runs changes nothing it
    reads), its tree epoch and compiled nodes, taken before any node is read."""
    doc = doc.frozen
    epoch = doc.tree_epoch
    cache = doc.cache.get("compiled-nodes")
    if cache is None:
        cache = doc.cache["compiled-nodes"] = NodeCache()
    return doc, epoch, cache


def _request(
    doc: Unit,
    node: nodes.Node | None,
    policy: EvalPolicy,
    strict: bool,
    epoch: int,
    cache: NodeCache,
) -> Request:
    base = os.path.dirname(doc.path) if doc.path else os.getcwd()
    context = policy.context(doc.path)
    read = read_under(context.io)
    if policy.project is not None:
        supply = policy.project.supply(doc, policy.settings, policy.roots, read)
    else:
        supply = own_supply(doc, read)
    # One per text, so that its line index (built on first use) serves every request.
    source = doc.cache.get("source-text")
    if source is None:
        source = doc.cache["source-text"] = SourceText(doc.path, doc.source)
    env = ScopeEnv(
        doc.analysis,
        source,
        base,
        dict(policy.settings.auto_args),
        cache,
        supply=supply.expression if supply else None,
        supply_direct=supply.direct if supply else {},
        supply_plain=supply.plain if supply else True,
    )
    if supply is not None and supply.provider is not None:
        env.providers.append(supply.provider)
    if supply is not None and (supply.read_roots or supply.store_dir):
        context = policy.context(doc.path, list(supply.read_roots))
        if supply.store_dir is not None:
            context.store_dir = supply.store_dir
    return Request(
        env=env,
        node=node,
        unit=doc,
        path=doc.path,
        base_dir=base,
        context=context,
        budget=policy.budget(),
        strict=strict,
        limits=valueprint.Limits(),
        compile_cache=policy.compile_cache,
        epoch=epoch,
    )


def on_its_tree(request: Request, run: Callable[[], T], moved: Callable[[], T]) -> T:
    """``run()`` (on a worker), or ``moved()`` if an edit took back the tree the
    request's nodes came from, before or while it ran: what it read may have
    moved offsets (the edit also stopped the request's jobs: its text is old)."""
    if request.moved:
        return moved()
    try:
        result = run()
    except Exception:
        if request.moved:  # read a tree while it was being updated
            return moved()
        raise
    return moved() if request.moved else result


def stopped_by_edit() -> Outcome:
    """The answer of an evaluation an edit of its document stopped."""
    return Outcome(error="evaluation cancelled", cancelled=True)


# The stops seen by the request being answered (see :func:`watching_stops`).
_stops: ContextVar[list[bool] | None] = ContextVar("nixls_stops", default=None)


@contextmanager
def watching_stops() -> Iterator[list[bool]]:
    """Collect, for the ``with`` block, whether an edit stopped an evaluation it awaited
    (tasks it starts share the list): its answer then lacks what the edit stopped."""
    seen: list[bool] = []
    token = _stops.set(seen)
    try:
        yield seen
    finally:
        _stops.reset(token)


def note_stop() -> None:
    """(On the loop) An evaluation the current request awaited was stopped by an edit."""
    seen = _stops.get()
    if seen is not None:
        seen.append(True)


class LiveEvaluator:
    """Runs evaluations for the server's features."""

    def __init__(self, server: Host, project: Project | None = None) -> None:
        self.server = server
        self.jobs = JobRunner()
        self.compile_cache = CompileCache()
        self.sessions = value_session.Sessions()
        self._release_pending: asyncio.TimerHandle | None = None
        self.project = project if project is not None else Project()
        self._warmed: str | None = None

    def policy(self) -> EvalPolicy:
        """The evaluation policy under the current settings and workspace folders."""
        buffers = {
            os.path.normpath(d.path): d.source
            for d in self.server.files.documents.values()
            if d.path is not None
        }
        return EvalPolicy(
            self.server.settings.eval,
            list(self.server.files.roots),
            self.compile_cache,
            self.project,
            buffers,
        )

    def request_for_span(
        self, doc: Unit, span: tuple[int, int], *, strict: bool = False
    ) -> Request:
        """Prepare evaluating the expression at ``span`` of ``doc`` in its scope.

        It runs in the document's session, reusing values earlier requests evaluated.
        """
        policy = self.policy()
        request = request_for_span(doc, span, policy, strict=strict)
        stamp = value_session.others_stamp(self.server.files.documents, doc.uri)
        # The request's own context: it may read more than the policy's (a flake's inputs).
        context = request.context
        key = (policy.settings, tuple(policy.roots), stamp, context.store_dir)
        request.session = self.sessions.get(doc.path, key, lambda: context)
        return request

    def request_for_file(self, doc: OpenDocument) -> Request:
        """Prepare evaluating a whole document, deeply (see :func:`request_for_file`)."""
        return request_for_file(doc, self.policy())

    async def run(self, key: str, request: Request) -> Outcome:
        """Evaluate on a worker thread; cancelled with ``key``'s jobs."""
        outcome = await self.jobs.run(
            key, lambda cancel: _evaluate_and_release(request, cancel), stopped_by_edit
        )
        if outcome.cancelled:
            note_stop()
            # Its document changed or closed: what the evaluation and the old
            # text held is garbage once the callers return.
            self._release_soon()
        return outcome

    async def evaluate_span(self, doc: Unit, span: tuple[int, int]) -> Outcome:
        """Evaluate the text at ``span`` of ``doc`` (shallowly printed)."""
        return await self.run(doc.uri, self.request_for_span(doc, span))

    async def attr_names(self, doc: Unit, span: tuple[int, int]) -> list[str] | None:
        """The attribute names of the set at ``span`` (None if it is not a set).

        ``doc`` may be a variant of an open document (completion's patched
        text); the job is tied to the open document's URI either way.
        """
        request = self.request_for_span(doc, span)
        request.names_only = True
        outcome = await self.run(doc.uri, request)
        return outcome.names

    async def attr_position(
        self, doc: Unit, span: tuple[int, int], name: str
    ) -> tuple[bool, tuple[str, int] | None]:
        """Whether the set at ``span`` has attribute ``name``, and where it is defined.

        The place is (file, byte offset); in this document when the
        definition is one of its own bindings.
        """
        request = self.request_for_span(doc, span)
        request.position_of = name
        outcome = await self.run(doc.uri, request)
        if outcome.position is None:
            return outcome.has_attr, None
        file, line, column = outcome.position
        if file == doc.path:
            return True, (file, _offset_of_line_col(doc.source, line, column))
        text = self.server.files.source(file)
        if text is None:
            return True, None
        return True, (
            file,
            _offset_of_line_col(text.encode("utf-8", "surrogateescape"), line, column),
        )

    async def evaluate_file(self, doc: OpenDocument) -> Outcome:
        """Evaluate a whole document deeply (for diagnostics); replaces a running one."""
        key = file_key(doc.uri)
        self.jobs.cancel(key)
        outcome = await self.run(key, self.request_for_file(doc))
        if not outcome.cancelled:
            self.project.dependents.record(doc.uri, set(outcome.read))
        return outcome

    def warm_up(self) -> None:
        """Load the builtins and compile the found nixpkgs' lib, once, in the background.

        The first hover needing `lib` then pays only for evaluating it: most
        of a cold start is importing the evaluator's builtins and compiling
        lib's files (kept in the server's compile cache).
        """
        policy = self.policy()
        found = policy.found()
        lib = os.path.join(found.nixpkgs, "lib") if found and found.nixpkgs else None
        if self._warmed == (lib or ""):
            return
        self._warmed = lib or ""

        def work() -> None:
            _ensure_builtins()
            if lib is None or not os.path.isfile(os.path.join(lib, "default.nix")):
                return
            ev = Evaluator(
                policy.context(None), budget=policy.budget(), compile_cache=policy.compile_cache
            )
            try:
                ev.eval_source(f"builtins.attrNames (import {nix_path(lib)})", base_dir=lib)
            except NixError:
                pass  # the hover that needs it will say what is wrong

        threading.Thread(target=work, name="nixls-warm-up", daemon=True).start()

    def read_roots(self) -> list[str]:
        """The workspace folders plus what discovery found (nixpkgs, flake inputs).

        For features that read files outside evaluation (definition into
        nixpkgs): pass these as the roots of :func:`nixls.ide.reads.read_policy`.
        """
        found = self.policy().found()
        return [*self.server.files.roots, *(found.read_dirs() if found else [])]

    def arguments_origin(self, doc: Unit) -> str | None:
        """Where the arguments of ``doc``'s function come from (None: unknown), for hover."""
        policy = self.policy()
        supply = self.project.supply(doc, policy.settings, policy.roots)
        return supply.origin if supply is not None else None

    def dependents(self, path: str) -> list[str]:
        """The open documents whose last whole-file evaluation read ``path``."""
        return self.project.dependents.of(path)

    def cancel(self, uri: str) -> int:
        """Cancel every evaluation of ``uri`` (its text changed or it closed).

        Once it is closed, its compiled text goes too, and if the process is
        well above its floor, freed memory is given back (a large document's
        tree, an evaluation's leftovers).
        """
        stopped = self.jobs.cancel(uri) + self.jobs.cancel(file_key(uri))
        if self.server.files.get(uri) is None:
            path = uri_to_path(uri)
            if path is not None:
                self.compile_cache.forget(path)
            self._release_soon()
        return stopped

    def _release_soon(self) -> None:
        """Give memory back shortly, once the callers holding a closed document
        or a stopped evaluation have returned (several requests: one release)."""
        if self._release_pending is not None:
            return
        try:
            loop = asyncio.get_running_loop()
        except RuntimeError:  # not on the event loop: now
            memory.release_above_floor(RELEASE_SLACK)
            return
        self._release_pending = loop.call_later(RELEASE_DELAY, self._release)

    def _release(self) -> None:
        self._release_pending = None
        memory.release_above_floor(RELEASE_SLACK)

    def shutdown(self) -> None:
        """Stop every evaluation and the worker threads."""
        if self._release_pending is not None:
            self._release_pending.cancel()
        self.jobs.shutdown()


def _offset_of_line_col(text: bytes, line: int, column: int) -> int:
    """Byte offset of a 1-based line and (byte) column, as Nix positions count."""
    start = 0
    for _ in range(line - 1):
        nl = text.find(b"\n", start)
        if nl == -1:
            break
        start = nl + 1
    return min(len(text), start + max(0, column - 1))


def file_key(uri: str) -> str:
    """The job key of whole-file evaluations of ``uri``."""
    return uri + "#file"


# ---------------------------------------------------------------- worker side


def _ensure_builtins() -> None:
    # Importing the builtin modules from several threads at once is safe
    # (the import lock) but slow; do it once.
    with _builtins_lock:
        registry.all_builtins()


# Growth of the process (bytes) beyond which memory is given back after an
# evaluation, or when a document changes or closes; and the delay (seconds)
# before the latter, which lets the callers holding the old data return.
RELEASE_SLACK = 64 << 20
RELEASE_DELAY = 0.5


def _evaluate_and_release(request: Request, cancel: threading.Event) -> Outcome:
    """:func:`evaluate`, then give back what it left (once its frames are gone)."""
    before = memory.rss()
    outcome = evaluate(request, cancel)
    memory.release_if_grown(before, RELEASE_SLACK)
    return outcome


def evaluate(request: Request, cancel: threading.Event) -> Outcome:
    """Run one prepared evaluation (on a worker thread), in its session if it has one."""
    with value_session.held(request):
        return on_its_tree(request, lambda: _evaluate(request, cancel), stopped_by_edit)


def request_evaluator(request: Request, cancel: threading.Event) -> Evaluator:
    """The evaluator that runs ``request`` (on a worker thread; builtins loaded),
    which also supplies the values its scope reads."""
    _ensure_builtins()
    ev = Evaluator(
        request.context,
        budget=request.budget,
        cancel=cancel,
        compile_cache=request.compile_cache,
    )
    request.env.evaluator = ev
    return ev


def _evaluate(request: Request, cancel: threading.Event) -> Outcome:
    started = time.monotonic()
    ev = request_evaluator(request, cancel)
    outcome = Outcome()
    try:
        if request.per_attribute:
            _evaluate_attributes(ev, request, outcome)
            return _finished(outcome, request, started)
        value = ev.eval_value(target_value(ev, request), strict=request.strict)
        if request.position_of is not None:
            if type(value) is Attrs and request.position_of in value:
                outcome.has_attr = True
                positions = value.positions or {}
                outcome.position = positions.get(request.position_of)
        elif request.names_only:
            outcome.names = sorted(value) if type(value) is Attrs else []
        else:
            outcome.value = valueprint.shallow(value, ev.force, request.limits)
        outcome.type = valueprint.describe_type(value)
    except Cancelled:
        outcome.cancelled = True
        outcome.error = "evaluation cancelled"
    except NixError as err:
        _describe_error(outcome, err, request)
    except RecursionError:  # pragma: no cover - the VM never recurses; defensive
        outcome.error = "evaluation too deep"
    return _finished(outcome, request, started)


def _finished(outcome: Outcome, request: Request, started: float) -> Outcome:
    outcome.elapsed = time.monotonic() - started
    if isinstance(request.context.io, BufferIO):
        outcome.read = frozenset(request.context.io.read)
    return outcome


def target_value(ev: Evaluator, request: Request) -> Any:
    """The lazy value a request evaluates."""
    if request.node is None:
        # A file that is not a function: evaluated as a file (refused if
        # the compiler rejects any of it, as Nix would).
        return ev.source_thunk(
            request.env.source.text, path=request.path, base_dir=request.base_dir
        )
    node = request.node
    broken = _first_error_in(request.env.analysis, node.start, node.end)
    if broken is not None:
        # As Nix refuses a file with errors: the expression itself is not
        # evaluated (a binding it uses fails where it is used).
        message, start, end = broken
        raise NixSyntaxError(message, (request.env.source, start, end))
    gated = feature_error(node, request.env.source, ev.context.experimental_features)
    if gated is not None:  # e.g. `|>` without the pipe-operators feature, as Nix refuses
        raise gated
    return request.env.thunk(node)


def _first_error_in(analysis: Analysis, start: int, end: int) -> tuple[str, int, int] | None:
    """The first error (syntax or compiler) inside ``[start, end]``."""
    for d in analysis.diagnostics:
        if d.severity is Severity.ERROR and start <= d.start and d.end <= end:
            return d.message, d.start, d.end
    return None


def _evaluate_attributes(ev: Evaluator, request: Request, outcome: Outcome) -> None:
    """Deeply force a value; a set attribute by attribute, collecting every error.

    Errors that depend on an unknown argument are left out (they say nothing
    about the file); the budget is shared, so running out stops the rest.
    Raises what the first step (evaluating the value itself) raises.
    """
    value = ev.eval_value(target_value(ev, request))
    names: list[str | None] = sorted(value) if type(value) is Attrs else [None]
    found: list[Outcome] = []
    seen: set[tuple[tuple[int, int] | None, str]] = set()
    for name in names:
        part = value[name] if name is not None else value
        try:
            ev.run(force_except_closures(part))
        except Cancelled:
            raise
        except NixError as err:
            one = Outcome()
            _describe_error(one, err, request)
            if one.error_at is None and name is not None:
                # No location (e.g. `throw` inside a builtin): blame the attribute.
                one.error_at = _attribute_span(value, name, request)
            key = (one.error_at, one.error or "")
            if one.unknown is None and key not in seen:
                seen.add(key)
                found.append(one)
            if one.budget:
                break
    if found:
        first = found[0]
        outcome.error, outcome.error_at, outcome.trace = first.error, first.error_at, first.trace
        outcome.budget = first.budget
        outcome.more_errors = found[1:]
    else:
        outcome.type = valueprint.describe_type(value)


def _attribute_span(attrs: Attrs, name: str, request: Request) -> tuple[int, int] | None:
    """The span of an attribute's name in the document, from the set's positions."""
    where = (attrs.positions or {}).get(name)
    if where is None or where[0] != request.path:
        return None
    start = _offset_of_line_col(request.env.source.text, where[1], where[2])
    return (start, start + len(name.encode("utf-8")))


def _describe_error(outcome: Outcome, err: NixError, request: Request) -> None:
    if isinstance(err, DependsOnUnknown):
        outcome.unknown = err.unknown.description
    outcome.budget = isinstance(err, BudgetExceeded)
    outcome.error = err.message
    if isinstance(err, NixSyntaxError):
        outcome.error = f"cannot evaluate: {err.message}"
    outcome.error_at = _in_document(err.span, request)
    for message, span in err.trace:
        where = _in_document(span, request)
        if where is not None:
            if outcome.error_at is None:
                # The error happened elsewhere (another file): blame the
                # innermost place in this document that led there.
                outcome.error_at = where
            outcome.trace.append(Located(where[0], where[1], message))


def _in_document(span: tuple[Any, int, int] | None, request: Request) -> tuple[int, int] | None:
    if span is None:
        return None
    source, start, end = span
    ours = request.env.source
    if source is not ours and (
        not isinstance(source, SourceText) or source.path != ours.path or source.text != ours.text
    ):
        return None
    return (start, end if end >= start else start)
