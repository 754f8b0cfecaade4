"""What a value reached by evaluation is, where it is defined, and its documentation.

For an expression at the cursor (`lib.optional`, `pkgs.hello`, a name from
`with pkgs;`), the evaluator computes the value and this module says where
it comes from, in this order:

1. a function: the binding of its lambda (the span a closure carries), with
   the doc comment before it (:mod:`nixls.ide.doc_comments`);
2. a builtin: its documentation (:mod:`nixls.ide.builtin_docs`);
3. a derivation: the file and line of its ``meta.position`` (a package's
   file in nixpkgs);
4. otherwise: where the attribute was defined in its set (the position
   `unsafeGetAttrPos` reports).

Everything here is plain data: byte offsets in, :class:`Facts` out. The
worker side (:func:`inspect`) runs on an evaluation thread in the
document's session (:mod:`nixls.ide.value_session`), so `lib` evaluated
for one request serves the next.
"""

from __future__ import annotations

import asyncio
import os
import threading
from collections.abc import Coroutine, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

from evaluator.api import Evaluator
from evaluator.compiler.model import WithRef
from evaluator.syntax import nodes
from evaluator.vm.errors import Cancelled, DependsOnUnknown, NixError
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, Closure, CtxStr, PrimOp, PrimOpApp
from nixls.ide import builtin_docs, live, value_session, valueprint
from nixls.ide.doc_comments import Definition, DocIndex
from nixls.ide.tree import ancestors_at
from nixls.ide.uris import path_to_uri as path_uri

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit

T = TypeVar("T")

# Parsed files of definitions, shared by every request of the process.
INDEX = DocIndex()


@dataclass(frozen=True)
class Place:
    """Where something is defined: a file, a byte span in it, and its 1-based line."""

    path: str
    start: int
    end: int
    line: int


@dataclass
class Facts:
    """What is known about one evaluated value."""

    kind: str | None = None  # function, builtin, derivation, set, list, string, …
    value: str | None = None  # shallow print, when asked for
    doc: str | None = None  # Markdown
    signature: str | None = None  # the doc's `# Type` line
    defined: Place | None = None
    error: str | None = None
    unknown: str | None = None  # the unknown argument the value depends on
    cancelled: bool = False


@dataclass(frozen=True)
class Query:
    """An expression of the document (by span) and attribute names to select from it."""

    span: tuple[int, int]
    path: tuple[str, ...] = ()


@dataclass
class _Walk:
    value: Any = None
    parent: Attrs | None = None
    name: str | None = None
    notes: list[str] = field(default_factory=list)


# ---------------------------------------------------------------- cursor → queries


def queries_at(unit: Unit, offset: int) -> list[Query]:
    """What to evaluate for a cursor, most specific first (empty: nothing to ask).

    On a key of `e.a.b` (static keys up to the cursor): `e` then the keys; on
    a name given by `with`: the `with` environments, innermost first, each
    with that name; on any other name: the name itself.
    """
    chain = ancestors_at(unit.parse_result.root, offset)
    leaf = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None
    if isinstance(leaf, nodes.StaticKey) and isinstance(parent, nodes.Select | nodes.HasAttr):
        if leaf not in parent.path:
            return []
        upto = parent.path[: parent.path.index(leaf) + 1]
        if not all(isinstance(k, nodes.StaticKey) for k in upto):
            return []
        names = tuple(k.name for k in upto if isinstance(k, nodes.StaticKey))
        return [Query((parent.expr.start, parent.expr.end), names)]
    var = unit.analysis.var_at(offset)
    if var is not None:
        if isinstance(var.resolution, WithRef):
            withs = var.resolution.withs
            envs = [s.node.env for s in withs if isinstance(s.node, nodes.With)]
            return [Query((e.start, e.end), (var.name,)) for e in envs]
        return [Query((var.start, var.end))]
    return []


# ---------------------------------------------------------------- worker side


def inspect(
    request: live.Request, path: Sequence[str], cancel: threading.Event, *, show: bool = False
) -> Facts:
    """Evaluate the request's expression, select ``path`` and describe the value found.

    Runs on a worker thread, in the request's session if it has one.
    """
    with value_session.held(request):
        return live.on_its_tree(request, lambda: _inspect(request, path, cancel, show), _stopped)


def _stopped() -> Facts:
    return Facts(error="evaluation cancelled", cancelled=True)


def _inspect(
    request: live.Request, path: Sequence[str], cancel: threading.Event, show: bool
) -> Facts:
    ev = live.request_evaluator(request, cancel)
    facts = Facts()
    try:
        walk = _select(ev, ev.eval_value(live.target_value(ev, request)), path)
        if walk is None:
            facts.error = "attribute missing"
            return facts
        if show:
            facts.value = valueprint.shallow(walk.value, ev.force, request.limits)
        _describe(facts, walk, ev, request)
    except Cancelled:
        facts.cancelled = True
        facts.error = "evaluation cancelled"
    except DependsOnUnknown as err:
        facts.unknown = err.unknown.description
    except NixError as err:
        facts.error = err.message
    return facts


def _select(ev: Evaluator, value: Any, path: Sequence[str]) -> _Walk | None:
    walk = _Walk(value)
    for name in path:
        if type(walk.value) is not Attrs or name not in walk.value:
            return None
        walk.parent, walk.name = walk.value, name
        walk.value = ev.force(walk.value[name])
    return walk


def _describe(facts: Facts, walk: _Walk, ev: Evaluator, request: live.Request) -> None:
    value = walk.value
    facts.kind = kind_of(value, ev.force)
    found: Definition | None = None
    if type(value) is Closure and value.span is not None:
        source = value.span[0]
        if isinstance(source, SourceText) and source.path is not None:
            found = INDEX.for_function(source.path, source.text, value.span[1])
    elif type(value) in (PrimOp, PrimOpApp):
        op = value if type(value) is PrimOp else value.op
        entry = builtin_docs.info(op.name.removeprefix("__"))
        facts.doc = builtin_docs.markdown(entry) if entry is not None else None
    elif facts.kind == "derivation":
        found = _meta_position(value, ev, request)
    if (found is None or (found.name is None and found.doc is None)) and walk.parent is not None:
        # No binding of its own (a value, or a lambda passed to a call): the set's position.
        assert walk.name is not None
        found = _attr_position(walk.parent, walk.name, request) or found
    if found is not None:
        facts.defined = Place(found.path, found.span[0], found.span[1], found.line)
        if found.doc is not None and facts.doc is None:
            facts.doc = found.doc
            facts.signature = found.signature


def kind_of(value: Any, force: valueprint.Force) -> str:
    """A word for what a forced value is (function, builtin, derivation, set, …)."""
    t = type(value)
    if t is Closure:
        return "function"
    if t in (PrimOp, PrimOpApp):
        return "builtin"
    if t is Attrs:
        if "__functor" in value:
            return "function"
        return "derivation" if valueprint.is_derivation(value, force) else "set"
    return valueprint.describe_type(value).split(" ")[0]


def _read(path: str, request: live.Request) -> bytes | None:
    """A file's text for a position, read as the evaluation may read (its policy)."""
    source = request.env.source
    if source.path == path:
        return source.text
    try:
        return request.context.io.read_file(path)
    except (OSError, NixError):
        return None


def _attr_position(parent: Attrs, name: str, request: live.Request) -> Definition | None:
    where = (parent.positions or {}).get(name)
    if where is None:
        return None
    path, line, column = where
    text = _read(path, request) if isinstance(path, str) else None
    if text is None:
        return None
    return INDEX.at_position(path, text, line, column)


def _meta_position(drv: Attrs, ev: Evaluator, request: live.Request) -> Definition | None:
    """The place ``meta.position`` ("file:line", as nixpkgs sets it) names."""
    try:
        meta = ev.force(drv["meta"]) if "meta" in drv else None
        if type(meta) is not Attrs or "position" not in meta:
            return None
        position = ev.force(meta["position"])
    except (DependsOnUnknown, NixError):
        return None
    if type(position) not in (str, CtxStr):
        return None
    path, _, line = str(position).rpartition(":")
    if not path or not line.isdigit():
        return None
    text = _read(path, request)
    if text is None:
        return None
    lines = text.split(b"\n")
    number = max(1, min(int(line), len(lines)))
    column = len(lines[number - 1]) - len(lines[number - 1].lstrip()) + 1
    return INDEX.at_position(path, text, number, column)


# ---------------------------------------------------------------- presentation


def display_path(path: str, roots: Sequence[str]) -> str:
    """A short name for a file: relative to a workspace folder, or to its nixpkgs root.

    A nixpkgs root is the nearest folder above the file that holds
    ``lib/default.nix`` (so lib's files show as ``lib/lists.nix``).
    """
    for root in roots:
        prefix = root.rstrip("/") + "/"
        if path.startswith(prefix):
            return path[len(prefix) :]
    folder = os.path.dirname(path)
    for _ in range(8):
        if os.path.isfile(os.path.join(folder, "lib", "default.nix")):
            return os.path.relpath(path, folder)
        parent = os.path.dirname(folder)
        if parent == folder:
            break
        folder = parent
    return path


def markdown(facts: Facts, roots: Sequence[str], link: str | None = None) -> str | None:
    """The documentation paragraphs of a hover or completion item (None: nothing to add).

    ``link`` is the URI of the definition's file, for a clickable location.
    """
    parts: list[str] = []
    if facts.doc:
        parts.append(facts.doc)
    if facts.defined is not None:
        where = f"{display_path(facts.defined.path, roots)}:{facts.defined.line}"
        shown = f"[`{where}`]({link}#L{facts.defined.line})" if link else f"`{where}`"
        parts.append(f"*defined in* {shown}")
    return "\n\n".join(parts) if parts else None


# ---------------------------------------------------------------- loop side


async def facts(
    evaluator: live.LiveEvaluator, unit: Unit, query: Query, *, show: bool = False
) -> Facts:
    """The facts of one query, computed on a worker (cancelled with the document's jobs)."""
    INDEX.adopt(unit.frozen)  # its functions' doc comments: from its own tree
    request = evaluator.request_for_span(unit, query.span)
    found = await evaluator.jobs.run(
        unit.uri, lambda cancel: inspect(request, query.path, cancel, show=show), _stopped
    )
    if found.cancelled:
        live.note_stop()
    return found


async def facts_at(evaluator: live.LiveEvaluator, unit: Unit, offset: int) -> Facts | None:
    """The facts of the value at a cursor: the first query that finds it (None: none)."""
    for query in queries_at(unit, offset):
        found = await facts(evaluator, unit, query)
        if found.cancelled:
            return None
        if found.error is None and found.unknown is None:
            return found
    return None


async def definition(evaluator: live.LiveEvaluator, unit: Unit, offset: int) -> Place | None:
    """Where the value at a cursor is defined, through evaluation (None: not known)."""
    found = await facts_at(evaluator, unit, offset)
    return found.defined if found is not None else None


async def hover_markdown(
    evaluator: live.LiveEvaluator, unit: Unit, offset: int, roots: Sequence[str], wait: float
) -> str | None:
    """The documentation part of a hover (doc comment, where defined), if ready in ``wait`` s."""
    found = await within(facts_at(evaluator, unit, offset), wait)
    if found is None:
        return None
    if found.doc is None and found.defined is not None and found.defined.path == unit.path:
        return None  # a binding of this file with no doc: the hover already says where
    link = path_uri(found.defined.path) if found.defined is not None else None
    return markdown(found, roots, link)


async def within(work: Coroutine[Any, Any, T], wait: float) -> T | None:
    """The result of ``work`` if ready in ``wait`` seconds, else None (and ``work`` stops)."""
    task = asyncio.ensure_future(work)
    try:
        return await asyncio.wait_for(asyncio.shield(task), wait)
    except TimeoutError:
        task.cancel()
        return None
    except asyncio.CancelledError:  # the request itself was cancelled
        task.cancel()
        raise
