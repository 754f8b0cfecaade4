"""The ``session`` fixture: real `python -m nixls` servers driven over stdio.

Starting a server costs seconds (mostly importing the LSP type library), so
test modules share one server by default: each module gets its own
directory in the shared workspace, its ``INIT_OPTIONS`` applied through
``workspace/didChangeConfiguration`` (defaults otherwise), and its open
documents closed when it ends. A module that must see initialization
itself sets ``OWN_SERVER = True`` and may then also set ``CLIENT_ENCODINGS``
(general.positionEncodings) and ``DYNAMIC_WATCH`` (whether the client lets
the server register file watchers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.harness import Session, client_capabilities, internal_markers, server_config


async def _start(
    root: Path, init_options: Any, encodings: list[str] | None, dynamic_watch: bool
) -> tuple[LanguageClient, types.InitializeResult]:
    client = await server_config().start()
    assert isinstance(client, LanguageClient)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(encodings, dynamic_watch),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options=init_options,
        )
    )
    return client, result


# The shared server, started by the first module that needs it.
_SHARED: dict[str, Any] = {}


@pytest_asyncio.fixture(scope="session", loop_scope="session")
async def shared_server_cleanup() -> AsyncIterator[None]:
    """Stops the shared server (if one was started) at the end of the run."""
    yield
    client = _SHARED.pop("client", None)
    if client is not None:
        await client.shutdown_session()
        await client.stop()


@pytest_asyncio.fixture(scope="module", loop_scope="session")
async def session(
    request: pytest.FixtureRequest,
    tmp_path_factory: pytest.TempPathFactory,
    shared_server_cleanup: None,
) -> AsyncIterator[Session]:
    """A started and initialized server, configured for the test module."""
    init_options: Any = getattr(request.module, "INIT_OPTIONS", None)
    if getattr(request.module, "OWN_SERVER", False):
        root = tmp_path_factory.mktemp("ws")
        encodings: list[str] | None = getattr(request.module, "CLIENT_ENCODINGS", None)
        dynamic_watch: bool = getattr(request.module, "DYNAMIC_WATCH", False)
        client, result = await _start(root, init_options, encodings, dynamic_watch)
        s = Session(client, root)
        s.init_result = result  # type: ignore[attr-defined]
        yield s
        await client.shutdown_session()
        await client.stop()
        _assert_no_internal_markers(client, 0)
        return
    if not _SHARED:
        shared_root = tmp_path_factory.mktemp("shared-ws")
        client, result = await _start(shared_root, None, None, False)
        _SHARED.update(client=client, result=result, root=shared_root)
    client, result = _SHARED["client"], _SHARED["result"]
    root = _SHARED["root"] / request.module.__name__.rsplit(".", 1)[-1]
    root.mkdir()
    s = Session(client, root)
    s.init_result = result  # type: ignore[attr-defined]
    seen = len(client.received)
    client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=init_options or {"nixls": {}})
    )
    # A request after the notification: answered once the settings are in.
    await client.workspace_execute_command_async(
        types.ExecuteCommandParams(command="nixls.status", arguments=[])
    )
    yield s
    for uri in list(s.versions):
        if s.versions[uri] is not None:
            s.close(uri)
    _assert_no_internal_markers(client, seen)


def _assert_no_internal_markers(client: LanguageClient, since: int) -> None:
    """Everything the server showed during a test module is free of internal markers."""
    leaked = internal_markers(client.received[since:])  # type: ignore[attr-defined]
    assert leaked == [], "internal markers reached the user:\n" + "\n".join(leaked)
