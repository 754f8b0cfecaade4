"""The option questions of one open document, in plain data.

Glue between a document (text, tree, path) and :mod:`.sets` /
:mod:`.queries`: which set applies, where the cursor is (an unfinished
binding is read from the text with a placeholder name at the cursor), and
the answer, computed while holding the set. Nothing here waits for a set
that is still loading or busy: the answer is then None.
"""

from __future__ import annotations

import os
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass

from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import Diagnostic
from evaluator.io import ReadPolicy
from evaluator.syntax import nodes, parse
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Thunk
from nixls.ide.options import queries
from nixls.ide.options.paths import cursor_at
from nixls.ide.options.sets import LoadedSet, OptionSets
from nixls.ide.options.spec import OptionSetSpec, spec_for
from nixls.ide.options.tree import Busy, Declaration, OptionTree
from nixls.ide.scope_eval import ArgumentProvider, NodeCache, ScopeEnv

PLACEHOLDER = b"nixlsOptionPlaceholder"
_WORD = re.compile(rb"[A-Za-z0-9_'\-]*\Z")
WAIT = 1.0  # seconds a question waits for a set another question holds


@dataclass(frozen=True)
class DocumentView:
    """What the option features need of a document."""

    path: str | None
    source: bytes
    root: nodes.Node
    has_errors: bool


def loaded_set(
    sets: OptionSets, doc: DocumentView, policy: ReadPolicy, search: list[tuple[str, str]]
) -> LoadedSet | None:
    """The state of the set that applies to ``doc`` (its evaluation starts if needed)."""
    spec: OptionSetSpec | None = spec_for(doc.path, doc.source, doc.root, sets.specs)
    return None if spec is None else sets.get(spec, policy, search)


def _ask(tree: OptionTree, cancel: threading.Event | None, question: object) -> object:
    try:
        with tree.reading(cancel, WAIT):
            return question()  # type: ignore[operator]
    except Busy:
        return None


def completion(tree: OptionTree, doc: DocumentView, offset: int) -> list[queries.OptionItem] | None:
    """Option names to offer at ``offset`` (None: not an option path, or not ready)."""
    root, at, replace = doc.root, offset, None
    if doc.has_errors:
        found = _WORD.search(doc.source[max(0, offset - 200) : offset])
        start = offset - (len(found.group()) if found else 0)
        patched = doc.source[:start] + PLACEHOLDER + b" = null; " + doc.source[offset:]
        root, at, replace = parse(patched).root, start, (start, offset)
    cursor = cursor_at(root, at)
    if cursor is None:
        return None
    if replace is None:
        replace = (cursor.key.start, cursor.key.end) if cursor.key else (offset, offset)
    elif cursor.key is None or cursor.key.name != PLACEHOLDER.decode():
        return None
    span = replace
    return _ask(tree, None, lambda: queries.completion(tree, cursor, span))  # type: ignore[return-value]


def documentation(tree: OptionTree, path: tuple[str, ...]) -> str | None:
    """The Markdown of a completion item resolved later (long lists)."""
    text = _ask(tree, None, lambda: queries.markdown(tree, path, None))
    return text if isinstance(text, str) else None


def _path_at(doc: DocumentView, offset: int) -> tuple[tuple[str, ...], tuple[int, int]] | None:
    cursor = cursor_at(doc.root, offset)
    if cursor is None or cursor.key is None:
        return None
    return cursor.path + (cursor.key.name,), (cursor.key.start, cursor.key.end)


def hover(
    tree: OptionTree, doc: DocumentView, offset: int, base: str | None
) -> tuple[str, tuple[int, int]] | None:
    """Markdown about the option path segment at ``offset``, and its span."""
    found = _path_at(doc, offset)
    if found is None:
        return None
    path, span = found
    text = _ask(tree, None, lambda: queries.markdown(tree, path, base))
    return (text, span) if isinstance(text, str) else None


def definition(tree: OptionTree, doc: DocumentView, offset: int) -> list[Declaration] | None:
    """Where the option at ``offset`` is declared (None: not an option path)."""
    found = _path_at(doc, offset)
    if found is None:
        return None
    path, _span = found
    result = _ask(tree, None, lambda: queries.declarations(tree, path))
    return result if isinstance(result, list) else None


def diagnostics(
    tree: OptionTree, doc: DocumentView, cancel: threading.Event, wait: float
) -> tuple[list[Diagnostic], list[queries.OptionFix]] | None:
    """The module's option diagnostics and fixes (None: the set stayed busy).

    Values that are not literals are evaluated in their scope in the file (a
    fresh analysis of the text: the document's tree is not shared with this
    thread); of the module's arguments only ``lib`` is known there."""
    parsed = parse(doc.source)
    analysis = analyse(parsed, doc.path)
    base = os.path.dirname(doc.path) if doc.path else os.getcwd()
    try:
        with tree.reading(cancel, wait):
            env = ScopeEnv(
                analysis,
                SourceText(doc.path, doc.source),
                base,
                auto_args={},
                cache=NodeCache(),
                evaluator=tree.evaluator,
                providers=[_module_lib(tree.lib())],
            )
            return queries.diagnostics(tree, parsed.root, env.thunk, doc.path)
    except Busy:
        return None


def _module_lib(lib: Thunk | None) -> ArgumentProvider:
    """Gives a function's ``lib`` formal (a module's, ``{ lib, ... }:``) the
    nixpkgs lib of the option set's evaluation."""

    def provide(_env: ScopeEnv, fn: nodes.Lambda, name: str) -> Thunk | None:
        if name != "lib" or lib is None or fn.formals is None:
            return None
        return lib

    return provide


def fixes_in(fixes: Sequence[queries.OptionFix], lo: int, hi: int) -> list[queries.OptionFix]:
    """The fixes whose span touches ``[lo, hi]``."""
    return [f for f in fixes if not (f.end < lo or f.start > hi)]
