"""Live evaluation for the editor: budgets, confinement, results mapped to the file.

Every evaluation runs on a worker thread (:mod:`nixls.jobs`) with a fresh
:class:`EvalContext` built from the settings: reads confined to the
workspace folders (plus ``allowedPaths`` and the search path), `getEnv`
seeing nothing, and a :class:`Budget` of steps, time and memory. Jobs are
keyed by document, so an edit cancels what was computing on the old text.

What is evaluated is rebuilt source (:mod:`nixls.synth`); errors located
in it are mapped back to the document.
"""

from __future__ import annotations

import os
import threading
import time
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from evaluator.api import Evaluator, NixSyntaxError
from evaluator.builtins import registry
from evaluator.syntax import nodes
from evaluator.vm import ops
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import BudgetExceeded, Cancelled, NixError
from evaluator.vm.frames import SourceText
from evaluator.vm.loop import Budget
from evaluator.vm.values import Attrs
from nixls import valueprint
from nixls.jobs import JobRunner
from nixls.synth import Synth, broken_spans, synthesize
from nixls.tree import unparen

if TYPE_CHECKING:
    from nixls.server import NixServer
    from nixls.workspace import OpenDocument, Unit

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

    def hover_markdown(self) -> str:
        """The value paragraph of a hover."""
        took = _duration(self.elapsed)
        if self.unknown is not None:
            return f"*value: depends on {self.unknown}, which is unknown here*"
        if self.cancelled:
            return "*value: evaluation cancelled*"
        if self.error is not None:
            return f"*value: error* ({took})\n```\n{self.error}\n```"
        return f"```nix\n{self.value}\n```\n*{self.type}* · {took}"

    def as_result(self) -> dict[str, Any]:
        """The JSON answer of the `nixls.evaluate` command."""
        error = self.error
        if self.unknown is not None:
            error = f"depends on {self.unknown}, which is unknown here"
        return {
            "value": self.value,
            "type": self.type,
            "error": error,
            "elapsedMs": round(self.elapsed * 1000, 3),
        }

    @property
    def inline(self) -> str:
        """A one-line form for inlay hints."""
        if self.unknown is not None:
            return "= ‹depends on an unknown argument›"
        if self.error is not None:
            return "= ‹error: " + self.error.splitlines()[0][:80] + "›"
        return "= " + (self.value or "")


def _duration(seconds: float) -> str:
    if seconds < 1:
        return f"{seconds * 1000:.1f} ms"
    return f"{seconds:.2f} s"


@dataclass
class Request:
    """Everything a worker needs, captured on the event loop (documents change there)."""

    synth: Synth
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


class LiveEvaluator:
    """Runs evaluations for the server's features."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self.jobs = JobRunner()

    # ------------------------------------------------------------ policy

    def make_context(self, doc: Unit) -> EvalContext:
        """A fresh evaluation context under the current settings."""
        cfg = self.server.settings.eval
        search: list[tuple[str, str]] = []
        for entry in cfg.nix_path:
            prefix, sep, path = entry.partition("=")
            search.append((prefix, path) if sep else ("", entry))
        roots: list[str] | None = None
        if cfg.restrict_reads:
            roots = list(self.server.files.roots)
            if not roots and doc.path is not None:
                # A lone file (no workspace folder): its own directory.
                roots.append(os.path.dirname(doc.path))
            roots += [os.path.expanduser(p) for p in cfg.allowed_paths]
            roots += [os.path.expanduser(path) for _prefix, path in search]
        return EvalContext(
            search_path=search,
            allowed_roots=roots,
            allow_env=cfg.allow_env,
            environ=None if cfg.allow_env else {},
            features=frozenset(cfg.experimental_features),
        )

    def make_budget(self) -> Budget:
        """The per-evaluation budget from the settings."""
        b = self.server.settings.eval.budget
        return Budget(
            max_steps=max(1, b.steps),
            timeout=max(1, b.timeout_ms) / 1000,
            max_memory=max(1, b.memory_mb) * 1024 * 1024,
        )

    # ------------------------------------------------------------ requests

    def request_for_span(
        self, doc: Unit, span: tuple[int, int], *, strict: bool = False
    ) -> Request:
        """Prepare evaluating the text at ``span`` of ``doc`` in its scope."""
        parse = doc.parse_result
        broken = broken_spans(doc.analysis, list(parse.errors))
        synth = synthesize(
            doc.source,
            parse.root,
            span,
            broken,
            doc.analysis,
            auto_args=dict(self.server.settings.eval.auto_args),
        )
        return self._request(doc, synth, strict)

    def request_for_file(self, doc: OpenDocument) -> Request:
        """Prepare evaluating a whole document, deeply.

        A file whose value is a function is evaluated inside it: its
        arguments come from ``autoArgs``, defaults, or are unknown.
        """
        parse = doc.parse_result
        root = unparen(parse.root)
        if isinstance(root, nodes.Lambda):
            broken = broken_spans(doc.analysis, list(parse.errors))
            synth = synthesize(
                doc.source,
                parse.root,
                (root.body.start, root.body.end),
                broken,
                doc.analysis,
                auto_args=dict(self.server.settings.eval.auto_args),
            )
        else:
            source = doc.source
            synth = Synth(source, [(0, len(source), 0)])
        request = self._request(doc, synth, True)
        request.per_attribute = True
        return request

    def _request(self, doc: Unit, synth: Synth, strict: bool) -> Request:
        base = os.path.dirname(doc.path) if doc.path else os.getcwd()
        return Request(
            synth=synth,
            path=doc.path,
            base_dir=base,
            context=self.make_context(doc),
            budget=self.make_budget(),
            strict=strict,
            limits=valueprint.Limits(),
        )

    async def run(self, key: str, request: Request) -> Outcome:
        """Evaluate on a worker thread; cancelled with ``key``'s jobs."""
        return await self.jobs.run(key, lambda cancel: evaluate(request, cancel))

    async def evaluate_span(self, doc: OpenDocument, span: tuple[int, int]) -> Outcome:
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
        self, doc: OpenDocument, span: tuple[int, int], name: str
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
            offset = _offset_of_line_col(request.synth.text, line, column)
            mapped = request.synth.to_file(offset)
            return True, (file, mapped) if mapped is not None else None
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
        return await self.run(key, self.request_for_file(doc))

    def cancel(self, uri: str) -> int:
        """Cancel every evaluation of ``uri`` (its text changed or it closed)."""
        return self.jobs.cancel(uri) + self.jobs.cancel(file_key(uri))

    def shutdown(self) -> None:
        """Stop every evaluation and the worker threads."""
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


def evaluate(request: Request, cancel: threading.Event) -> Outcome:
    """Run one prepared evaluation (on a worker thread)."""
    _ensure_builtins()
    started = time.monotonic()
    ev = Evaluator(request.context, budget=request.budget, cancel=cancel)
    synth = request.synth
    outcome = Outcome()
    try:
        if request.per_attribute:
            _evaluate_attributes(ev, request, outcome)
            outcome.elapsed = time.monotonic() - started
            return outcome
        value = ev.eval_source(
            synth.text, path=request.path, base_dir=request.base_dir, strict=request.strict
        )
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
        _describe_error(outcome, err, synth, request.path)
    except RecursionError:  # pragma: no cover - the VM never recurses; defensive
        outcome.error = "evaluation too deep"
    outcome.elapsed = time.monotonic() - started
    return outcome


def _evaluate_attributes(ev: Evaluator, request: Request, outcome: Outcome) -> None:
    """Deeply force a value; a set attribute by attribute, collecting every error.

    Errors that depend on an unknown argument are left out (they say nothing
    about the file); the budget is shared, so running out stops the rest.
    Raises what the first step (evaluating the value itself) raises.
    """
    synth = request.synth
    value = ev.eval_source(synth.text, path=request.path, base_dir=request.base_dir)
    names: list[str | None] = sorted(value) if type(value) is Attrs else [None]
    found: list[Outcome] = []
    seen: set[tuple[tuple[int, int] | None, str]] = set()
    for name in names:
        part = value[name] if name is not None else value
        try:
            ev.run(ops.deep_force(part))
        except Cancelled:
            raise
        except NixError as err:
            one = Outcome()
            _describe_error(one, err, synth, request.path)
            if one.error_at is None and name is not None:
                # No location (e.g. `throw` inside a builtin): blame the attribute.
                one.error_at = _attribute_span(value, name, synth, request.path)
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


def _attribute_span(
    attrs: Attrs, name: str, synth: Synth, path: str | None
) -> tuple[int, int] | None:
    """The span of an attribute's name in the document, from the set's positions."""
    where = (attrs.positions or {}).get(name)
    if where is None or where[0] != path:
        return None
    start = synth.to_file(_offset_of_line_col(synth.text, where[1], where[2]))
    if start is None:
        return None
    return (start, start + len(name.encode("utf-8")))


def _describe_error(outcome: Outcome, err: NixError, synth: Synth, path: str | None) -> None:
    unknown = synth.unknown_in(err.message)
    if unknown is None:
        for message, _span in err.trace:
            unknown = synth.unknown_in(message)
            if unknown:
                break
    outcome.unknown = unknown
    outcome.budget = isinstance(err, BudgetExceeded)
    outcome.error = err.message
    if isinstance(err, NixSyntaxError):
        outcome.error = f"cannot evaluate: {err.message}"
    outcome.error_at = _in_document(err.span, synth, path)
    for message, span in err.trace:
        where = _in_document(span, synth, path)
        if where is not None:
            if outcome.error_at is None:
                # The error happened elsewhere (another file): blame the
                # innermost place in this document that led there.
                outcome.error_at = where
            outcome.trace.append(Located(where[0], where[1], message))


def _in_document(
    span: tuple[Any, int, int] | None, synth: Synth, path: str | None
) -> tuple[int, int] | None:
    if span is None:
        return None
    source, start, end = span
    if not isinstance(source, SourceText) or source.text != synth.text or source.path != path:
        return None
    a = synth.to_file(start)
    b = synth.to_file(end)
    if a is None:
        return None
    return (a, b if b is not None and b >= a else a)
