"""Module options in the editor: LSP conversion around :mod:`nixls.ide.options`.

The option sets are evaluated in the background (with work-done progress);
completion, hover and definition ask them through small hooks the other
feature modules call first; option diagnostics join the static ones once
computed, off the loop.
"""

from __future__ import annotations

import asyncio
import logging
import os
import threading
from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.ide.options import auto, queries, service
from nixls.ide.options.sets import LoadedSet, OptionSets
from nixls.ide.options.spec import specs_from_settings
from nixls.ide.options.tree import OptionTree
from nixls.ide.reads import read_policy, search_path
from nixls.ide.uris import path_to_uri
from nixls.lsp.convert import diagnostic, range_of
from nixls.lsp.evaluations import with_progress
from nixls.project_config import adjust

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument, Revision
    from nixls.lsp.server import NixServer

log = logging.getLogger(__name__)
DIAGNOSTICS_WAIT = 5.0  # seconds option diagnostics wait for a busy set


class OptionsFeature:
    """The server's option sets and the last option diagnostics of each document."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self.sets = OptionSets(on_ready=self._ready)
        self.fixes: dict[str, tuple[int, list[queries.OptionFix]]] = {}
        self.progress: set[tuple[str, str, str]] = set()

    def configure(self) -> None:
        """Read the declared sets from the settings (nixls.toml and the editor's), then
        the automatic ones of the workspace's flakes."""
        roots = self.server.files.roots
        specs, problems = specs_from_settings(
            self.server.settings.options, roots[0] if roots else os.getcwd()
        )
        for problem in problems:
            self.server.log_message(f"nixls: {problem}", types.MessageType.Warning)
        self.sets.configure([*specs, *auto.workspace_specs(roots)])

    def entry(self, doc: Revision | OpenDocument) -> LoadedSet | None:
        """The option set of ``doc`` (loading starts, with progress, the first time)."""
        if not self.sets.specs:
            return None
        view = view_of(doc)
        cfg = self.server.settings.eval
        spec_dirs = [d for s in self.sets.specs for d in (s.base_dir, *s.read_roots)]
        policy = read_policy(cfg, [*self.server.files.roots, *spec_dirs], None)
        found = service.loaded_set(self.sets, view, policy, search_path(cfg))
        if found is not None and found.spec.key not in self.progress:
            self.progress.add(found.spec.key)
            asyncio.ensure_future(self._show_progress(found))
        return found

    def tree(self, doc: Revision | OpenDocument) -> OptionTree | None:
        """The evaluated set of ``doc``, if ready."""
        found = self.entry(doc)
        return found.tree if found is not None else None

    async def _show_progress(self, found: LoadedSet) -> None:
        title = f"nixls: evaluating option set '{found.spec.name}'"
        try:
            await with_progress(self.server, title, asyncio.wrap_future(found.future))
        except Exception:
            self.server.log_message(
                f"nixls: option set '{found.spec.name}': {found.error}", types.MessageType.Warning
            )
            return
        self.server.log_message(
            f"nixls: option set '{found.spec.name}' evaluated in {found.seconds:.1f} s"
            f" ({found.cpu_seconds:.1f} s CPU)"
        )

    def _ready(self, found: LoadedSet) -> None:
        """(worker thread) A set finished: refresh the documents that use it."""
        loop = self._loop
        if loop is not None:
            loop.call_soon_threadsafe(self.refresh_all)

    _loop: asyncio.AbstractEventLoop | None = None

    def files_changed(self, paths: list[str]) -> None:
        """Files changed on disk (or were saved): re-evaluate the sets that read them."""
        if self.sets.changed(paths):
            self.progress.clear()
            self.refresh_all()

    def refresh_all(self) -> None:
        """Recompute the option diagnostics of every open document."""
        for uri in list(self.server.files.documents):
            doc = self.server.document(uri)
            if doc is not None:
                self.after_refresh(doc)

    def after_refresh(self, doc: Revision | OpenDocument) -> None:
        """(loop) Static diagnostics were published: add the option ones when computed."""
        self._loop = asyncio.get_running_loop()
        tree = self.tree(doc)
        if tree is None:
            return
        generation, view = doc.generation, view_of(doc)
        cancel = threading.Event()

        async def work() -> None:
            result = await asyncio.to_thread(
                service.diagnostics, tree, view, cancel, DIAGNOSTICS_WAIT
            )
            if result is None or doc.generation != generation:
                return
            diags, fixes = result
            cfg = self.server.settings.diagnostics
            converted = [diagnostic(doc, d) for d in adjust(diags, cfg.ignored, cfg.severity)]
            self.fixes[doc.uri] = (generation, fixes)
            publisher = self.server.publisher
            publisher.static[doc.uri] = publisher.static.get(doc.uri, []) + converted
            publisher.publish(doc.uri)

        asyncio.ensure_future(work())


def view_of(doc: Revision | OpenDocument) -> service.DocumentView:
    """The plain data the option queries read."""
    parsed = doc.parse_result
    return service.DocumentView(doc.path, doc.source, parsed.root, bool(parsed.errors))


# ---------------------------------------------------------------- hooks


async def completion_items(
    server: NixServer, doc: Revision | OpenDocument, offset: int
) -> list[types.CompletionItem] | None:
    """Option names at ``offset`` (None: not an option path, or the set is not ready)."""
    tree = server.options.tree(doc)
    if tree is None:
        return None
    view = view_of(doc)
    items = await asyncio.to_thread(service.completion, tree, view, offset)
    if items is None:
        return None
    out = []
    for item in items:
        out.append(
            types.CompletionItem(
                label=item.name,
                kind=types.CompletionItemKind.Property
                if item.is_option
                else types.CompletionItemKind.Module,
                detail=item.type if item.is_option else "option set",
                documentation=types.MarkupContent(
                    kind=types.MarkupKind.Markdown, value=item.documentation
                )
                if item.documentation
                else None,
                text_edit=types.TextEdit(range=range_of(doc, *item.replace), new_text=item.name),
                data=None
                if item.documentation or not item.is_option
                else {"nixlsOption": {"uri": doc.uri, "path": list(item.path)}},
                sort_text=("0" if item.is_option else "1") + item.name,
            )
        )
    return out


async def hover(server: NixServer, doc: Revision | OpenDocument, offset: int) -> types.Hover | None:
    """The hover of an option path segment."""
    found = server.options.entry(doc)
    tree = found.tree if found is not None else None
    if tree is None or found is None:
        return None
    result = await asyncio.to_thread(service.hover, tree, view_of(doc), offset, found.spec.base_dir)
    if result is None:
        return None
    text, span = result
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=range_of(doc, *span),
    )


async def definitions(
    server: NixServer, doc: Revision | OpenDocument, offset: int
) -> list[types.Location] | None:
    """The declarations of the option at ``offset``."""
    tree = server.options.tree(doc)
    if tree is None:
        return None
    found = await asyncio.to_thread(service.definition, tree, view_of(doc), offset)
    if not found:
        return None
    out = []
    for decl in found:
        line = max(decl.line - 1, 0)
        column = max(decl.column - 1, 0)
        at = types.Position(line=line, character=column)
        out.append(types.Location(uri=path_to_uri(decl.file), range=types.Range(start=at, end=at)))
    return out


def quick_fixes(
    server: NixServer, doc: Revision | OpenDocument, lo: int, hi: int
) -> list[types.CodeAction]:
    """ "Did you mean" fixes for unknown options touching ``[lo, hi]``."""
    generation, fixes = server.options.fixes.get(doc.uri, (-1, []))
    if generation != doc.generation:
        return []
    return [
        types.CodeAction(
            title=fix.title,
            kind=types.CodeActionKind.QuickFix,
            is_preferred=True,
            edit=types.WorkspaceEdit(
                changes={
                    doc.uri: [
                        types.TextEdit(range=range_of(doc, fix.start, fix.end), new_text=fix.text)
                    ]
                }
            ),
        )
        for fix in service.fixes_in(fixes, lo, hi)
    ]


def is_option_item(item: types.CompletionItem) -> bool:
    """Whether ``item`` is an option name whose documentation resolving fills in."""
    return isinstance(item.data, dict) and "nixlsOption" in item.data


async def resolve_item(server: NixServer, item: types.CompletionItem) -> types.CompletionItem:
    """``item`` (an option name) with its documentation."""
    data = item.data.get("nixlsOption") if isinstance(item.data, dict) else None
    doc = server.document(str(data.get("uri"))) if isinstance(data, dict) else None
    tree = server.options.tree(doc) if doc is not None else None
    if tree is None or not isinstance(data, dict) or not isinstance(data.get("path"), list):
        return item
    path = tuple(str(p) for p in data["path"])
    text = await asyncio.to_thread(service.documentation, tree, path)
    if text is not None:
        item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return item
