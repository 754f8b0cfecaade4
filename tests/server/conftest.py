"""The ``session`` fixture: one real `python -m nixls` server per test module.

Tests open their own documents under a per-module temporary workspace so
they do not see each other's state. A module may set ``INIT_OPTIONS``
(initializationOptions), ``CLIENT_ENCODINGS`` (general.positionEncodings) and
``DYNAMIC_WATCH`` (whether the client lets the server register file watchers).
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from typing import Any

import pytest
import pytest_asyncio
from lsprotocol import types
from pytest_lsp import LanguageClient

from tests.server.harness import Session, client_capabilities, server_config


@pytest_asyncio.fixture(scope="module", loop_scope="module")
async def session(
    request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
) -> AsyncIterator[Session]:
    """A started and initialized server for the whole test module."""
    root = tmp_path_factory.mktemp("ws")
    client = await server_config().start()
    assert isinstance(client, LanguageClient)
    init_options: Any = getattr(request.module, "INIT_OPTIONS", None)
    encodings: list[str] | None = getattr(request.module, "CLIENT_ENCODINGS", None)
    dynamic_watch: bool = getattr(request.module, "DYNAMIC_WATCH", False)
    result = await client.initialize_session(
        types.InitializeParams(
            capabilities=client_capabilities(encodings, dynamic_watch),
            root_uri=root.as_uri(),
            workspace_folders=[types.WorkspaceFolder(uri=root.as_uri(), name="ws")],
            initialization_options=init_options,
        )
    )
    s = Session(client, root)
    s.init_result = result  # type: ignore[attr-defined]
    yield s
    await client.shutdown_session()
    await client.stop()
