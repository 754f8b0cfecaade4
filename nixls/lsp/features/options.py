"""Module options in the editor: LSP conversion around the host's option sets
(:mod:`nixls.ide.option_host`).

The host evaluates the sets in the background and answers in plain data;
here its answers become LSP types, a set that starts loading gets work-done
progress, and option diagnostics join the static ones once computed.
Completion, hover, definition and code actions call these hooks first.
"""

from __future__ import annotations

import asyncio
from typing import TYPE_CHECKING

from lsprotocol import types

from nixls.ide.options.sets import LoadedSet
from nixls.ide.uris import path_to_uri
from nixls.lsp.convert import diagnostic, range_of
from nixls.lsp.evaluations import with_progress

if TYPE_CHECKING:
    from nixls.ide.workspace import Revision
    from nixls.lsp.server import NixServer


class OptionsFeature:
    """Progress and publishing for the host's option sets."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self._loop: asyncio.AbstractEventLoop | None = None
        options = server.host.options
        options.on_start = self._started
        options.on_ready = self._ready

    def configure(self) -> None:
        """Read the declared and automatic sets (problems go to the client's log)."""
        for problem in self.server.host.options.configure():
            self.server.log_message(f"nixls: {problem}", types.MessageType.Warning)

    def _started(self, found: LoadedSet) -> None:
        """(loop) A set started loading: show progress while it does."""
        asyncio.ensure_future(self._show_progress(found))

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

    def files_changed(self, paths: list[str]) -> None:
        """Files changed on disk (or were saved): re-evaluate the sets that read them."""
        if self.server.host.options.files_changed(paths):
            self.refresh_all()

    def refresh_all(self) -> None:
        """Recompute the option diagnostics of every open document."""
        for doc in list(self.server.files.documents.values()):
            self.after_refresh(doc.current)

    def after_refresh(self, doc: Revision) -> None:
        """(loop) Static diagnostics of ``doc`` were published: add the option ones."""
        self._loop = asyncio.get_running_loop()
        if self.server.host.options.tree(doc) is not None:
            asyncio.ensure_future(self._publish(doc))

    async def _publish(self, doc: Revision) -> None:
        found = await self.server.host.options.diagnostics(doc, doc.generation)
        if found is None or doc.head.current is not doc:
            return  # no set, or the text changed meanwhile
        publisher = self.server.publisher
        converted = [diagnostic(doc, d) for d in found]
        publisher.static[doc.uri] = publisher.static.get(doc.uri, []) + converted
        publisher.publish(doc.uri)


# ---------------------------------------------------------------- hooks


async def completion_items(
    server: NixServer, doc: Revision, offset: int
) -> list[types.CompletionItem] | None:
    """Option names at ``offset`` (None: not an option path, or the set is not ready)."""
    items = await server.host.options.items(doc, offset)
    if items is None:
        return None
    return [
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
        for item in items
    ]


async def hover(server: NixServer, doc: Revision, offset: int) -> types.Hover | None:
    """The hover of an option path segment."""
    result = await server.host.options.hover(doc, offset)
    if result is None:
        return None
    text, span = result
    return types.Hover(
        contents=types.MarkupContent(kind=types.MarkupKind.Markdown, value=text),
        range=range_of(doc, *span),
    )


async def definitions(server: NixServer, doc: Revision, offset: int) -> list[types.Location] | None:
    """The declarations of the option at ``offset``."""
    found = await server.host.options.declarations(doc, offset)
    if not found:
        return None
    out = []
    for decl in found:
        at = types.Position(line=max(decl.line - 1, 0), character=max(decl.column - 1, 0))
        out.append(types.Location(uri=path_to_uri(decl.file), range=types.Range(start=at, end=at)))
    return out


def quick_fixes(server: NixServer, doc: Revision, lo: int, hi: int) -> list[types.CodeAction]:
    """ "Did you mean" fixes for unknown options touching ``[lo, hi]``."""
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
        for fix in server.host.options.fixes_in(doc.uri, doc.generation, lo, hi)
    ]


def is_option_item(item: types.CompletionItem) -> bool:
    """Whether ``item`` is an option name whose documentation resolving fills in."""
    return isinstance(item.data, dict) and "nixlsOption" in item.data


async def resolve_item(server: NixServer, item: types.CompletionItem) -> types.CompletionItem:
    """``item`` (an option name) with its documentation."""
    data = item.data.get("nixlsOption") if isinstance(item.data, dict) else None
    doc = server.document(str(data.get("uri"))) if isinstance(data, dict) else None
    if doc is None or not isinstance(data, dict) or not isinstance(data.get("path"), list):
        return item
    path = [str(p) for p in data["path"]]
    text = await server.host.options.documentation(doc.current, path)
    if text is not None:
        item.documentation = types.MarkupContent(kind=types.MarkupKind.Markdown, value=text)
    return item
