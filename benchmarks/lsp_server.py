"""A nixls server for the LSP benchmarks: started from this checkout over
stdio, initialized, and the memory of its process read from ``/proc``."""

from __future__ import annotations

import os
import sys
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.lsp.client import LanguageClient

ROOT = Path(__file__).resolve().parent.parent


async def start_nixls(
    client: LanguageClient,
    root: Path,
    options: dict[str, Any] | None = None,
    *,
    env: dict[str, str] | None = None,
    folders: list[types.WorkspaceFolder] | None = None,
) -> int:
    """Start ``python -m nixls`` for ``client`` on workspace ``root`` with the
    initialization ``options`` (and extra environment ``env``), send
    ``initialize`` and ``initialized``; the server's process id."""
    environ = dict(os.environ, PYTHONPATH=str(ROOT), **(env or {}))
    await client.start_io(sys.executable, "-m", "nixls", env=environ)
    server = client._server
    assert server is not None
    await client.initialize_async(
        types.InitializeParams(
            capabilities=types.ClientCapabilities(),
            root_uri=root.as_uri(),
            initialization_options=options,
            workspace_folders=folders,
        )
    )
    client.initialized(types.InitializedParams())
    return server.pid


def memory_mb(pid: int, field: str = "VmRSS") -> float | None:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) of a process in
    MB; None where unknown."""
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith(field + ":"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None
