"""One read policy for every feature (issue 17, item 7), over JSON-RPC.

Completion, go-to-definition, hover and path completion read other files
only where an evaluation of the document may read, and a refused read is
told with evaluation's message. A lone file (no workspace folder) may
read itself and what the settings allow, not its directory.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types

from tests.server.harness import Session, client_capabilities, pos, server_config

pytestmark = pytest.mark.asyncio(loop_scope="session")

INIT_OPTIONS = {"nixls": {"eval": {"diagnostics": "off"}, "hover": {"waitMs": 5000}}}


def forbidden(path: str | Path) -> str:
    return f"access to absolute path '{path}' is forbidden in restricted mode"


@pytest.fixture(scope="module")
def outside(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A directory outside the workspace with a secret set in it."""
    where = tmp_path_factory.mktemp("outside")
    (where / "secret.nix").write_text("{ password = 1; token = 2; }\n")
    return where


async def logged(session: Session, message: str, timeout: float = 60.0) -> bool:
    """Whether the server's log (window/logMessage) gets ``message`` (returns as
    soon as it does: the timeout only ends the wait for one that never comes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(message in m.message for m in session.client.log_messages):
            return True
        await asyncio.sleep(0.02)
    return False


async def complete(session: Session, uri: str, at: types.Position) -> list[str]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    items = (
        []
        if result is None
        else result.items
        if isinstance(result, types.CompletionList)
        else result
    )
    return [item.label for item in items]


async def definition(session: Session, uri: str, at: types.Position) -> Any:
    return await session.client.text_document_definition_async(
        types.DefinitionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )


async def configure(session: Session, settings: dict[str, Any]) -> None:
    merged = {"nixls": {**INIT_OPTIONS["nixls"], **settings}}
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=merged)
    )
    await asyncio.sleep(0.2)


async def test_completion_through_an_import_outside(session: Session, outside: Path) -> None:
    secret = outside / "secret.nix"
    text = f"(import {secret}).\n"
    uri = session.open("complete-outside.nix", text)
    at = pos(text, ".\n", 1)
    labels = await complete(session, uri, at)
    assert "password" not in labels and "token" not in labels
    assert await logged(session, forbidden(secret))
    # The same file, once the settings allow its directory: the names come.
    try:
        await configure(session, {"eval": {"diagnostics": "off", "allowedPaths": [str(outside)]}})
        labels = await complete(session, uri, at)
        assert {"password", "token"} <= set(labels)
    finally:
        await configure(session, {})


async def test_definition_into_a_file_outside(session: Session, outside: Path) -> None:
    secret = outside / "secret.nix"
    text = f"let s = import {secret}; in [ s.password {outside} ]\n"
    uri = session.open("define-outside.nix", text)
    session.client.log_messages.clear()
    assert not await definition(session, uri, pos(text, "import"))
    assert await logged(session, forbidden(secret))
    assert not await definition(session, uri, pos(text, "password"))
    assert not await definition(session, uri, pos(text, f"{outside} ]"))
    assert await logged(session, forbidden(outside))
    # Inside the workspace the same features work.
    session.write("inside.nix", "{ password = 1; }\n")
    text2 = "let s = import ./inside.nix; in s.password\n"
    uri2 = session.open("define-inside.nix", text2)
    found = await definition(session, uri2, pos(text2, "password"))
    assert found and found[0].uri == session.uri("inside.nix")


async def test_path_completion_outside(session: Session) -> None:
    text = "/etc/\n"
    uri = session.open("etc.nix", text)
    session.client.log_messages.clear()
    assert await complete(session, uri, pos(text, "\n")) == []
    assert await logged(session, forbidden("/etc"))
    session.write("sub/a.nix", "1\n")
    text2 = "./sub/\n"
    uri2 = session.open("sub-paths.nix", text2)
    assert await complete(session, uri2, pos(text2, "\n")) == ["a.nix"]


async def test_hover_through_an_import_outside(session: Session, outside: Path) -> None:
    secret = outside / "secret.nix"
    text = f"(import {secret}).password\n"
    uri = session.open("hover-outside.nix", text)
    session.client.log_messages.clear()
    result = await session.client.text_document_hover_async(
        types.HoverParams(
            text_document=types.TextDocumentIdentifier(uri=uri), position=pos(text, "password")
        )
    )
    assert result is not None and isinstance(result.contents, types.MarkupContent)
    hover = result.contents.value
    assert "defined on line" not in hover
    assert forbidden(secret) in hover
    assert await logged(session, forbidden(secret))


# ---------------------------------------------------------------- a lone file


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def lone() -> AsyncIterator[Session]:
    """A server initialized with no workspace folder (a file opened alone)."""
    client = await server_config().start()
    await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(None),
            initialization_options={"nixls": {"eval": {"diagnostics": "off"}}},
        )
    )
    yield Session(client, Path("/"))
    await client.shutdown_session()
    await client.stop()


async def evaluate(session: Session, uri: str) -> dict[str, Any]:
    result = await session.client.workspace_execute_command_async(
        types.ExecuteCommandParams(
            command="nixls.evaluate",
            arguments=[{"uri": uri, "position": {"line": 0, "character": 0}}],
        )
    )
    assert isinstance(result, dict)
    return result


async def test_lone_file_reads_itself_not_its_directory(lone: Session, tmp_path: Path) -> None:
    (tmp_path / "neighbour.txt").write_text("private")
    lone.root = tmp_path
    text = "builtins.readFile ./neighbour.txt\n"
    uri = lone.open("lone.nix", text)
    result = await evaluate(lone, uri)
    assert result["error"] == forbidden(tmp_path / "neighbour.txt")
    own = "builtins.stringLength (builtins.readFile ./self.nix)\n"
    uri2 = lone.open("self.nix", own)
    assert (await evaluate(lone, uri2))["value"] == str(len(own))
    # Path completion in its directory is refused too.
    text3 = "./\n"
    uri3 = lone.open("paths.nix", text3)
    assert await complete(lone, uri3, pos(text3, "\n")) == []
    assert await logged(lone, forbidden(tmp_path))


async def test_lone_file_at_the_root_cannot_read_etc(lone: Session) -> None:
    # Opened, not written: the document's path is /root-file.nix.
    lone.root = Path("/")
    text = "builtins.readFile /etc/passwd\n"
    uri = lone.open("root-file.nix", text, write=False)
    result = await evaluate(lone, uri)
    assert result["value"] is None
    assert result["error"] == forbidden("/etc/passwd")
