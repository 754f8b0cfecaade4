"""No internal marker reaches a user (checked after every server test module,
see ``conftest.py``); here: the check itself, and the case that once leaked one."""

from __future__ import annotations

import pytest
from lsprotocol import types

from tests.server.harness import Session, internal_markers


def test_the_check_finds_a_marker_and_ignores_the_log() -> None:
    leaked = {"jsonrpc": "2.0", "id": 1, "result": {"value": "«nixls:unknown:0»"}}
    traceback = {
        "jsonrpc": "2.0",
        "method": "textDocument/publishDiagnostics",
        "params": {"diagnostics": [{"message": "Traceback (most recent call last):"}]},
    }
    logged = {"jsonrpc": "2.0", "method": "window/logMessage", "params": {"message": "«nixls:x"}}
    clean = {"jsonrpc": "2.0", "id": 2, "result": {"value": "{ b = 1; }"}}
    assert len(internal_markers([leaked, traceback, logged, clean])) == 2


@pytest.mark.asyncio(loop_scope="session")
async def test_an_unknown_argument_inside_a_set_reads_as_depends_on(session: Session) -> None:
    text = '{ x }: { a = { b = "v${x}"; c = 1; }; }\n'
    uri = session.open("inner-unknown.nix", text)
    at = types.Position(line=0, character=text.index("a ="))
    hover = await session.client.text_document_hover_async(
        types.HoverParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert hover is not None
    content = hover.contents
    assert isinstance(content, types.MarkupContent)
    assert "{ b = «depends on argument x»; c = 1; }" in content.value
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="nixls.evaluate",
            arguments=[{"uri": uri, "position": {"line": 0, "character": 9}}],
        )
    )
    assert result["value"] == "{ b = «depends on argument x»; c = 1; }"
    assert internal_markers(session.client.received) == []  # type: ignore[attr-defined]
