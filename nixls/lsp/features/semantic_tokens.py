"""Semantic tokens (full and range).

Lexical classes (keywords, operators, numbers, strings, paths, comments)
come from the lexer; names are classified from the compiler's analysis:
let bindings and `rec` attributes are variables, function arguments are
parameters, builtins carry the ``defaultLibrary`` modifier, names looked
up through `with` the ``withResolved`` modifier, attribute names are
properties. Definition sites carry ``declaration``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from lsprotocol import types

from evaluator.compiler.model import BindingKind, GlobalRef, LocalRef, WithRef
from evaluator.syntax import nodes
from evaluator.syntax.lexer import KEYWORDS, OPERATORS, Token
from nixls.ide import builtin_docs
from nixls.ide.tree import walk

if TYPE_CHECKING:
    from nixls.ide.workspace import OpenDocument
    from nixls.lsp.server import NixServer

TOKEN_TYPES = [
    "variable",
    "parameter",
    "function",
    "property",
    "string",
    "path",
    "keyword",
    "operator",
    "comment",
    "number",
]
TOKEN_MODIFIERS = ["declaration", "defaultLibrary", "withResolved", "readonly"]
LEGEND = types.SemanticTokensLegend(token_types=TOKEN_TYPES, token_modifiers=TOKEN_MODIFIERS)

_T = {name: i for i, name in enumerate(TOKEN_TYPES)}
_M = {name: 1 << i for i, name in enumerate(TOKEN_MODIFIERS)}

_KEYWORD_TYPES = set(KEYWORDS.values())
_OPERATOR_TYPES = set(OPERATORS.values()) | {
    "EQUALS",
    "LT",
    "GT",
    "NOT",
    "PLUS",
    "MINUS",
    "STAR",
    "SLASH",
    "QUESTION",
    "AT",
}
_STRING_TYPES = {
    "STRING",
    "STR_OPEN",
    "STR_TEXT",
    "STR_CLOSE",
    "IND_STRING",
    "IND_OPEN",
    "IND_TEXT",
    "IND_CLOSE",
    "URI",
}
_PATH_TYPES = {"PATH", "PATH_BEGIN", "PATH_STR", "SPATH"}
_NUMBER_TYPES = {"INT", "FLOAT"}

_PARAMETER_KINDS = (BindingKind.ARGUMENT, BindingKind.FORMAL, BindingKind.AT)


def _lexical(
    tokens: list[Token], comments: list[tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """(start, end, type, modifiers) of keywords, operators, literals and comments."""
    out: list[tuple[int, int, int, int]] = []
    for tok in tokens:
        if tok.end <= tok.start:
            continue
        t = tok.type
        if t in _KEYWORD_TYPES:
            out.append((tok.start, tok.end, _T["keyword"], 0))
        elif t in _OPERATOR_TYPES:
            out.append((tok.start, tok.end, _T["operator"], 0))
        elif t in _STRING_TYPES:
            out.append((tok.start, tok.end, _T["string"], 0))
        elif t in _PATH_TYPES:
            out.append((tok.start, tok.end, _T["path"], 0))
        elif t in _NUMBER_TYPES:
            out.append((tok.start, tok.end, _T["number"], 0))
    for start, end in comments:
        out.append((start, end, _T["comment"], 0))
    return out


def _names(doc: OpenDocument) -> list[tuple[int, int, int, int]]:
    """Names classified by what they refer to."""
    analysis = doc.analysis
    out: list[tuple[int, int, int, int]] = []
    declared = {}
    for binding in analysis.resolved.all_bindings:
        kind = "parameter" if binding.kind in _PARAMETER_KINDS else "variable"
        declared[binding.name_span] = (_T[kind], _M["declaration"])
    functions = builtin_docs.global_names()
    for node in walk(doc.parse_result.root):
        span = (node.start, node.end)
        if isinstance(node, nodes.Var):
            if span in declared:
                continue  # `inherit x;`: shown as the declaration it also is
            res = node.resolution
            if isinstance(res, LocalRef):
                kind = "parameter" if res.binding.kind in _PARAMETER_KINDS else "variable"
                out.append((*span, _T[kind], 0))
            elif isinstance(res, WithRef):
                out.append((*span, _T["variable"], _M["withResolved"]))
            elif isinstance(res, GlobalRef):
                entry = builtin_docs.info(functions.get(res.name, res.name))
                is_fn = entry is not None and entry.is_function
                mods = _M["defaultLibrary"] | (0 if is_fn else _M["readonly"])
                out.append((*span, _T["function" if is_fn else "variable"], mods))
            else:
                out.append((*span, _T["variable"], 0))
        elif isinstance(node, nodes.Ident | nodes.StaticKey):
            if span in declared:
                out.append((*span, *declared[span]))
            elif isinstance(node, nodes.StaticKey) and node.end > node.start:
                # Quoted keys are strings lexically; only bare names are properties.
                first = doc.source[node.start : node.start + 1]
                if first not in (b'"', b"$"):
                    out.append((*span, _T["property"], 0))
    return out


def encode(
    doc: OpenDocument, tokens: list[tuple[int, int, int, int]], lo: int = 0, hi: int | None = None
) -> list[int]:
    """The LSP's relative encoding; tokens split at line ends, overlaps dropped."""
    hi = len(doc.source) if hi is None else hi
    tokens.sort(key=lambda t: (t[0], -t[1]))
    data: list[int] = []
    prev_line = prev_char = 0
    last_end = -1
    source = doc.source
    for start, end, ttype, mods in tokens:
        if start < last_end or end <= lo or start >= hi:
            continue
        last_end = end
        pos = start
        while pos < end:
            nl = source.find(b"\n", pos, end)
            piece_end = end if nl == -1 else nl
            if piece_end > pos:
                line, char = doc.line_char(pos)
                _, end_char = doc.line_char(piece_end)
                delta_line = line - prev_line
                delta_char = char - prev_char if delta_line == 0 else char
                data += [delta_line, delta_char, end_char - char, ttype, mods]
                prev_line, prev_char = line, char
            pos = piece_end + 1 if nl != -1 else end
    return data


def classify(
    doc: OpenDocument, tokens: list[Token], comments: list[tuple[int, int]]
) -> list[tuple[int, int, int, int]]:
    """Every token of ``doc``, unencoded: lexical classes and names."""
    return _lexical(tokens, comments) + _names(doc)


async def semantic_tokens(
    server: NixServer, doc: OpenDocument, lo: int = 0, hi: int | None = None
) -> list[int]:
    """Encoded semantic tokens of ``doc`` (optionally of a byte range), off the loop."""
    cache = doc.cache
    raw = cache.get("semantic")
    if raw is None:
        tokens, comments = await server.lexed(doc)
        raw = cache["semantic"] = await server.off_loop(
            doc, lambda: classify(doc, tokens, comments)
        )
    found: list[tuple[int, int, int, int]] = raw
    return await server.off_loop(doc, lambda: encode(doc, list(found), lo, hi))


def register(server: NixServer) -> None:
    """Add semantic tokens (full and range) to ``server``."""

    @server.feature(
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        types.SemanticTokensRegistrationOptions(legend=LEGEND, full=True, range=True),
    )
    async def full(
        ls: NixServer, params: types.SemanticTokensParams
    ) -> types.SemanticTokens | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        return types.SemanticTokens(data=await semantic_tokens(ls, doc))

    @server.feature(types.TEXT_DOCUMENT_SEMANTIC_TOKENS_RANGE)
    async def ranged(
        ls: NixServer, params: types.SemanticTokensRangeParams
    ) -> types.SemanticTokens | None:
        doc = ls.document(params.text_document.uri)
        if doc is None:
            return None
        lo, hi = doc.offset_at(params.range.start), doc.offset_at(params.range.end)
        return types.SemanticTokens(data=await semantic_tokens(ls, doc, lo, hi))
