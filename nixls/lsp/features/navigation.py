"""Go to definition, find references, document highlight, rename.

Names resolve through the compiler's analysis. Beyond local names:
`with`-provided names go to the attribute in the `with` target when the
target is a set known statically (a literal, a variable bound to one,
`import ./file.nix`...); `a.b.c` goes to the definition of `c` when `a`
is such a set; path literals (and `import ./x.nix`) go to the file.
"""

from __future__ import annotations

import os
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException

from evaluator.compiler.bindings import InheritEntry
from evaluator.compiler.model import Binding, BindingKind, LocalRef, Scope, WithRef
from evaluator.syntax import nodes
from nixls.ide import static_sets
from nixls.ide.tree import ancestors_at, is_identifier, walk
from nixls.ide.uris import path_to_uri
from nixls.ide.workspace import OpenDocument
from nixls.lsp.convert import position_at, range_of

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer

REQUEST_FAILED = -32803  # LSP ErrorCodes.RequestFailed


class RenameRefused(JsonRpcException):
    """A rename the server will not do, with the reason shown to the user."""

    def __init__(self, message: str) -> None:
        super().__init__(message, code=REQUEST_FAILED)


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


def _path_target(node: nodes.Path, doc: OpenDocument) -> str | None:
    target = static_sets.path_literal_target(node, doc.path)
    if target is None:
        return None
    if os.path.isdir(target) and os.path.isfile(os.path.join(target, "default.nix")):
        return os.path.join(target, "default.nix")
    return target if os.path.exists(target) else None


async def _with_definition(
    server: NixServer, doc: OpenDocument, withs: tuple[Scope, ...], name: str
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
        sset = static_sets.resolve_set(node.env, doc, server.files.unit)
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
            unit = doc if file == doc.path else server.files.unit(file)
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
    """Where the thing at ``offset`` is defined."""
    analysis = doc.analysis
    root = doc.parse_result.root
    chain = ancestors_at(root, offset)
    leaf = chain[-1]
    parent = chain[-2] if len(chain) > 1 else None

    if isinstance(leaf, nodes.Path):
        target = _path_target(leaf, doc)
        return [file_location(target)] if target else []

    var = analysis.var_at(offset)
    if var is not None:
        res = var.resolution
        if isinstance(res, LocalRef):
            b = res.binding
            return [types.Location(uri=doc.uri, range=range_of(doc, *b.name_span))]
        if isinstance(res, WithRef):
            found = await _with_definition(server, doc, res.withs, var.name)
            return [found] if found is not None else []
        # A global: `import` of a path literal goes to the file.
        if var.name == "import" and isinstance(parent, nodes.Apply):
            target = static_sets.import_target(parent, doc)
            return [file_location(target)] if target and os.path.exists(target) else []
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
            member = static_sets.resolve_member(base, upto, doc, server.files.unit)
            if member is not None:
                return [location_in(server, member.unit, *member.key_span)]
    return []


# ---------------------------------------------------------------- references


def _binding_spans(binding: Binding) -> tuple[tuple[int, int], list[tuple[int, int]]]:
    """(definition span, reference spans) without duplicates."""
    definition = binding.name_span
    refs: list[tuple[int, int]] = []
    seen = {definition}
    for var in binding.references:
        span = (var.start, var.end)
        if span not in seen:
            seen.add(span)
            refs.append(span)
    refs.sort()
    return definition, refs


def references(doc: OpenDocument, offset: int, include_declaration: bool) -> list[types.Location]:
    """Every use of the local binding at ``offset`` (and its definition if asked)."""
    binding = doc.analysis.binding_at(offset)
    if binding is None:
        return []
    definition, refs = _binding_spans(binding)
    spans = ([definition] if include_declaration else []) + refs
    return [types.Location(uri=doc.uri, range=range_of(doc, *s)) for s in spans]


def highlights(doc: OpenDocument, offset: int) -> list[types.DocumentHighlight]:
    """The binding at ``offset``: its definition (write) and uses (read)."""
    binding = doc.analysis.binding_at(offset)
    if binding is None:
        return []
    definition, refs = _binding_spans(binding)
    out = [
        types.DocumentHighlight(
            range=range_of(doc, *definition), kind=types.DocumentHighlightKind.Write
        )
    ]
    out += [
        types.DocumentHighlight(range=range_of(doc, *s), kind=types.DocumentHighlightKind.Read)
        for s in refs
    ]
    return out


# ---------------------------------------------------------------- rename


def _line_of(doc: OpenDocument, offset: int) -> int:
    return position_at(doc, offset).line + 1


def renameable(doc: OpenDocument, offset: int) -> Binding:
    """The local binding at ``offset`` if it may be renamed; else :class:`RenameRefused`."""
    analysis = doc.analysis
    binding = analysis.binding_at(offset)
    if binding is None:
        var = analysis.var_at(offset)
        if var is not None and isinstance(var.resolution, WithRef):
            raise RenameRefused(
                f"`{var.name}` comes from a `with`; only local names can be renamed"
            )
        if var is not None:
            raise RenameRefused(f"`{var.name}` is a builtin; only local names can be renamed")
        raise RenameRefused("no local name here to rename")
    if binding.kind is BindingKind.FORMAL:
        raise RenameRefused(
            f"`{binding.name}` is a formal argument: renaming it would change how the "
            "function is called"
        )
    if binding.kind is BindingKind.REC_ATTR:
        raise RenameRefused(
            f"`{binding.name}` is an attribute of a `rec` set: renaming it would change "
            "the set's attributes"
        )
    # `inherit x;` is both a use of an outer `x` and a new `x`: both names are tied.
    if analysis.inherited_var(binding) is not None:
        raise RenameRefused(
            f"`{binding.name}` is defined by `inherit`, which ties it to the outer "
            f"`{binding.name}`; rename that one or replace the inherit first"
        )
    inherit_vars = _inherit_vars(analysis)
    for var in binding.references:
        if id(var) in inherit_vars:
            raise RenameRefused(
                f"`{binding.name}` is inherited on line {_line_of(doc, var.start)}; "
                "`inherit` cannot rename, so renaming would change that attribute's name"
            )
    return binding


def _inherit_vars(analysis: Any) -> set[int]:
    """ids of the `Var`s that plain ``inherit x;`` entries read."""
    out: set[int] = set()
    for merged in analysis.bindings.values():
        for entry in merged.static.values():
            if isinstance(entry, InheritEntry) and entry.var is not None:
                out.add(id(entry.var))
    return out


def _chain(scope: Scope | None) -> list[Scope]:
    out = []
    while scope is not None:
        out.append(scope)
        scope = scope.parent
    return out


def check_capture(doc: OpenDocument, binding: Binding, new_name: str) -> None:
    """Refuse a rename that would change what some name refers to."""
    analysis = doc.analysis
    if not is_identifier(new_name):
        raise RenameRefused(f"`{new_name}` is not a valid Nix identifier")
    if new_name == binding.name:
        return
    own = binding.scope
    if new_name in own.bindings:
        other = own.bindings[new_name]
        raise RenameRefused(
            f"`{new_name}` is already defined in the same scope "
            f"(line {_line_of(doc, other.name_span[0])})"
        )
    # 1. A use of the binding would find an inner `new_name` first.
    for var in binding.references:
        for scope in _chain(analysis.scope_at(var.start)):
            if scope is own:
                break
            inner = scope.bindings.get(new_name)
            if inner is not None:
                raise RenameRefused(
                    f"renaming to `{new_name}` would make the use on line "
                    f"{_line_of(doc, var.start)} refer to the `{new_name}` defined on line "
                    f"{_line_of(doc, inner.name_span[0])}"
                )
    # 2. An existing `new_name` inside the binding's scope would now find it.
    scope_node = own.node
    region = (scope_node.start, scope_node.end) if scope_node is not None else (0, 1 << 62)
    for node in walk(doc.parse_result.root):
        if not (isinstance(node, nodes.Var) and node.name == new_name):
            continue
        if not (region[0] <= node.start < region[1]):
            continue
        chain = _chain(analysis.scope_at(node.start))
        if own not in chain:
            continue
        res = node.resolution
        inner_scopes = chain[: chain.index(own)]
        if isinstance(res, LocalRef) and res.binding.scope in inner_scopes:
            continue  # resolved to something closer: unaffected
        raise RenameRefused(
            f"renaming to `{new_name}` would capture the use of `{new_name}` on line "
            f"{_line_of(doc, node.start)}, which refers to something else now"
        )


def rename_edits(doc: OpenDocument, offset: int, new_name: str) -> types.WorkspaceEdit:
    """The edit renaming the local binding at ``offset``."""
    binding = renameable(doc, offset)
    check_capture(doc, binding, new_name)
    definition, refs = _binding_spans(binding)
    edits = [
        types.TextEdit(range=range_of(doc, *s), new_text=new_name) for s in [definition, *refs]
    ]
    return types.WorkspaceEdit(changes={doc.uri: edits})


def register(server: NixServer) -> None:
    """Add the navigation features to ``server``."""

    @server.feature(types.TEXT_DOCUMENT_DEFINITION)
    async def on_definition(
        ls: NixServer, params: types.DefinitionParams
    ) -> list[types.Location] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        return await definitions(ls, doc, doc.offset_at(params.position)) or None

    @server.feature(types.TEXT_DOCUMENT_REFERENCES)
    def on_references(ls: NixServer, params: types.ReferenceParams) -> list[types.Location] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        offset = doc.offset_at(params.position)
        return references(doc, offset, params.context.include_declaration)

    @server.feature(types.TEXT_DOCUMENT_DOCUMENT_HIGHLIGHT)
    def on_highlight(
        ls: NixServer, params: types.DocumentHighlightParams
    ) -> list[types.DocumentHighlight] | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        return highlights(doc, doc.offset_at(params.position)) or None

    @server.feature(types.TEXT_DOCUMENT_PREPARE_RENAME)
    def on_prepare_rename(
        ls: NixServer, params: types.PrepareRenameParams
    ) -> types.PrepareRenamePlaceholder | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        binding = renameable(doc, doc.offset_at(params.position))
        offset = doc.offset_at(params.position)
        span = binding.name_span
        for var in binding.references:
            if var.start <= offset <= var.end:
                span = (var.start, var.end)
        return types.PrepareRenamePlaceholder(range=range_of(doc, *span), placeholder=binding.name)

    @server.feature(types.TEXT_DOCUMENT_RENAME)
    def on_rename(ls: NixServer, params: types.RenameParams) -> types.WorkspaceEdit | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        return rename_edits(doc, doc.offset_at(params.position), params.new_name)
