"""Server start-up, capabilities, settings and robustness against bad messages."""

from __future__ import annotations

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.server.harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # it checks initialization itself
INIT_OPTIONS = {
    "nixls": {
        "diagnostics": {"debounceMs": 0, "ignored": ["unused-binding"]},
        "eval": {"budget": {"steps": "lots"}, "colour": "blue"},
    }
}


async def test_capabilities(session: Session) -> None:
    caps = session.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == types.PositionEncodingKind.Utf16
    sync = caps.text_document_sync
    assert sync.change == types.TextDocumentSyncKind.Incremental
    assert caps.hover_provider
    assert caps.definition_provider
    assert caps.document_symbol_provider


async def test_bad_initialization_options_are_logged_not_fatal(session: Session) -> None:
    messages = [m.message for m in session.client.log_messages]
    assert any("nixls.eval.budget.steps" in m and '"lots"' in m for m in messages)
    assert any("unknown setting nixls.eval.colour" in m for m in messages)
    # The good settings of the same object were applied: unused bindings ignored.
    uri = session.open("init.nix", "let unused = 1; in 2\n")
    diags = await session.diagnostics(uri)
    assert [d.code for d in diags] == []


async def test_did_change_configuration_applies_and_reports(session: Session) -> None:
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(
            settings={"nixls": {"diagnostics": {"debounceMs": 0, "ignored": 5}}}
        )
    )
    uri = session.open("config.nix", "let unused = 1; in 2\n")
    diags = await session.diagnostics(uri)
    # `ignored` was ill-typed, so it kept its default (nothing ignored).
    assert [d.code for d in diags] == ["unused-binding"]
    assert any("nixls.diagnostics.ignored" in m.message for m in session.client.log_messages)


async def test_pull_configuration_when_settings_are_null(session: Session) -> None:
    session.client.set_configuration(
        {"diagnostics": {"debounceMs": 0, "ignored": ["unused-binding"]}}, section="nixls"
    )
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=None)
    )
    uri = session.open("pulled.nix", "let unused = 1; in 2\n")
    # Settings arrive asynchronously (a round trip); diagnostics refresh on change.
    diags = await session.diagnostics(uri, until=lambda ds: ds == [])
    assert diags == []


async def test_malformed_request_gets_error_and_server_lives(session: Session) -> None:
    # Params of the wrong shape: a JSON-RPC error, not a crash.
    with pytest.raises(JsonRpcException) as bad_params:
        await session.raw_request("textDocument/hover", {"textDocument": 42, "position": "x"})
    assert bad_params.value.code in (-32602, -32603)
    # An unknown method.
    with pytest.raises(JsonRpcException) as unknown:
        await session.raw_request("nixls/noSuchMethod", {})
    assert unknown.value.code == -32601
    # Not JSON at all.
    session.write_raw(b"{garbage")
    uri = session.open("alive.nix", "{ a = 1; }\n")
    symbols = await session.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=types.TextDocumentIdentifier(uri=uri))
    )
    assert symbols is not None and [s.name for s in symbols] == ["a"]


async def test_requests_on_unopened_documents_answer_nothing(session: Session) -> None:
    uri = session.uri("never-opened.nix")
    hover = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri),
            position=types.Position(line=0, character=0),
        )
    )
    assert hover is None


async def test_deeply_nested_file_is_served_without_errors(session: Session) -> None:
    depth = 2000
    text = "{ a = " * depth + "x" + " ; }" * depth + "\n"
    uri = session.open("deep.nix", text)
    diags = await session.diagnostics(uri)
    assert [d.code for d in diags] == ["undefined-variable"]
    ident = types.TextDocumentIdentifier(uri=uri)
    inner = types.Position(line=0, character=text.index("x"))
    symbols = await session.client.text_document_document_symbol_async(
        types.DocumentSymbolParams(text_document=ident)
    )
    assert symbols and symbols[0].name == "a"
    selection = await session.client.text_document_selection_range_async(
        types.SelectionRangeParams(text_document=ident, positions=[inner])
    )
    assert selection and selection[0].range.start == inner
    folds = await session.client.text_document_folding_range_async(
        types.FoldingRangeParams(text_document=ident)
    )
    assert not folds  # all on one line
    tokens = await session.client.text_document_semantic_tokens_full_async(
        types.SemanticTokensParams(text_document=ident)
    )
    assert tokens is not None and len(tokens.data) > depth
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=ident, position=inner)
    )
    assert hover is not None
    completion = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=ident, position=inner)
    )
    assert completion is not None
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="nixls.evaluate",
            arguments=[{"uri": uri, "position": {"line": 0, "character": 0}}],
        )
    )
    assert isinstance(result, dict) and "x" in (result["error"] or "")
