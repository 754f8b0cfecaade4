"""Go to definition, find references, document highlight, rename.

Names resolve through the compiler's analysis. Beyond local names:
`with`-provided names go to the attribute in the `with` target when the
target is a set known statically (a literal, a variable bound to one,
`import ./file.nix`...); `a.b.c` goes to the definition of `c` when `a`
is such a set; path literals (and `import ./x.nix`) go to the file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from evaluator.compiler.model import LocalRef, Scope, WithRef
from evaluator.syntax import nodes
from nixls.ide import static_sets
from nixls.ide.reads import Reader
from nixls.ide.rename import (
    Access,
    RenameRefused,
    highlights,
    references,
    rename_spans,
    rename_target,
)
from nixls.ide.tree import ancestors_at
from nixls.ide.uris import path_to_uri
from nixls.ide.workspace import OpenDocument
from nixls.lsp.convert import range_of
from nixls.lsp.features import options

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed
_ACCESS = {
    Access.READ: types.DocumentHighlightKind.Read,
    Access.WRITE: types.DocumentHighlightKind.Write,
}


def refused(exc: RenameRefused) -> JsonRpcException:
    """The LSP error for a rename the host refuses (the reason shown to the user)."""
    return JsonRpcException(exc.message, code=REQUEST_FAILED)


# ---------------------------------------------------------------- locations


def location_in(server: NixServer, unit: static_sets.Unit, start: int, end: int) -> types.Location:
    """An LSP location for a span of any unit (open document or disk file)."""
    if isinstance(unit, OpenDocument):
        return types.Location(uri=unit.uri, range=range_of(unit, start, end))
    assert unit.path is not None
    doc = server.files.unit(unit.path)
    assert doc is not None
    return types.Location(uri=path_to_uri(unit.path), range=range_of(doc, start, end))


def file_location(path: str) -> types.Location:
    """The start of a file."""
    zero = types.Position(line=0, character=0)
    return types.Location(uri=path_to_uri(path), range=types.Range(start=zero, end=zero))


def _path_target(node: nodes.Path, doc: OpenDocument, reader: Reader) -> str | None:
    target = static_sets.path_literal_target(node, doc.path)
    if target is None:
        return None
    if reader.is_dir(target) and reader.is_file(os.path.join(target, "default.nix")):
        return os.path.join(target, "default.nix")
    return target if reader.exists(target) else None


async def _with_definition(
    server: NixServer, reader: Reader, doc: OpenDocument, withs: tuple[Scope, ...], name: str
) -> types.Location | None:
    """Where a `with`-provided name is defined.

    The `with` targets are looked at innermost first, as Nix looks them
    up: statically when the target is a known set, else by evaluating it
    (when evaluation is on) and asking the set where the attribute is.
    """
    for scope in withs:
        node = scope.node
        if not isinstance(node, nodes.With):
            continue
        sset = static_sets.resolve_set(node.env, doc, reader.unit)
        if sset is not None:
            member = sset.member(name)
            if member is not None:
                return location_in(server, member.unit, *member.key_span)
            continue
        if server.live is None or not server.settings.eval.enable:
            return None
        has, where = await server.live.attr_position(doc, (node.env.start, node.env.end), name)
        if where is not None:
            file, offset = where
            unit = doc if file == doc.path else reader.unit(file)
            if unit is None:
                return None
            end = _name_end(unit.source, offset)
            return location_in(server, unit, offset, end)
        if has:
            return None  # defined there, but the set does not say where
    return None


def _name_end(source: bytes, offset: int) -> int:
    end = offset
    while end < len(source) and (
        source[end : end + 1].isalnum() or source[end : end + 1] in b"_'-"
    ):
        end += 1
    return end


async def definitions(server: NixServer, doc: OpenDocument, offset: int) -> list[types.Location]:
    """Where the thing at ``offset`` is defined (only in files the read policy allows)."""
    with server.reading(doc) as reader:
        return await _definitions(server, reader, doc, offset)


async def _definitions(
    server: NixServer, reader: Reader, doc: OpenDocument, offset: int
) -> list[types.Location]:
    analysis = doc.analysis
    root = doc.parse_result.root
    chain = ancestors_at(root, offset)
    leaf = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None

    if isinstance(leaf, nodes.Path):
        target = _path_target(leaf, doc, reader)
        return [file_location(target)] if target else []

    var = analysis.var_at(offset)
    if var is not None:
        res = var.resolution
        if isinstance(res, LocalRef):
            b = res.binding
            return [types.Location(uri=doc.uri, range=range_of(doc, *b.name_span))]
        if isinstance(res, WithRef):
            found = await _with_definition(server, reader, doc, res.withs, var.name)
            return [found] if found is not None else []
        # A global: `import` of a path literal goes to the file.
        if var.name == "import" and isinstance(parent, nodes.Apply):
            target = static_sets.import_target(parent, doc)
            return [file_location(target)] if target and reader.exists(target) else []
        return []

    binding = analysis.definition_at(offset)
    if binding is not None:
        return [types.Location(uri=doc.uri, range=range_of(doc, *binding.name_span))]

    if isinstance(leaf, nodes.StaticKey) and parent is not None:
        path: list[nodes.AttrKey] | None = None
        base: nodes.Node | None = None
        if isinstance(parent, nodes.Select | nodes.HasAttr):
            path, base = parent.path, parent.expr
        elif isinstance(parent, nodes.Inherit) and parent.from_ is not None:
            path, base = [leaf], parent.from_
        if path is not None and base is not None:
            upto: list[nodes.AttrKey] = path[: path.index(leaf) + 1] if leaf in path else [leaf]
            member = static_sets.resolve_member(base, upto, doc, reader.unit)
            if member is not None:
                return [location_in(server, member.unit, *member.key_span)]
    return []


# ---------------------------------------------------------------- references


def register(server: NixServer) -> None:
    """Add the navigation features to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(
        ls: NixServer, params: types.DefinitionParams
    ) -> list[types.Location] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        offset = doc.offset_at(params.position)
        option = await options.definitions(ls, doc, offset)
        return option or await definitions(ls, doc, offset) or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls: NixServer, params: types.ReferenceParams) -> list[types.Location] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        offset = doc.offset_at(params.position)
        spans = references(doc, offset, params.context.include_declaration)
        return [types.Location(uri=doc.uri, range=range_of(doc, *s)) for s in spans]

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def on_highlight(
        ls: NixServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        found = highlights(doc, doc.offset_at(params.position))
        return [
            types.DocumentHighlight(range=range_of(doc, *span), kind=_ACCESS[access])
            for span, access in found
        ] or None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def on_prepare_rename(
        ls: NixServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        try:
            span, name = rename_target(doc, doc.offset_at(params.position))
        except RenameRefused as exc:
            raise refused(exc) from None
        return types.PrepareRenamePlaceholder(range=range_of(doc, *span), placeholder=name)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: NixServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        try:
            spans = rename_spans(doc, doc.offset_at(params.position), params.new_name)
        except RenameRefused as exc:
            raise refused(exc) from None
        edits = [types.TextEdit(range=range_of(doc, *s), new_text=params.new_name) for s in spans]
        return types.WorkspaceEdit(changes={doc.uri: edits})
