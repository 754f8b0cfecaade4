"""End-to-end harness: a real `python -m nixls` subprocess driven over stdio JSON-RPC.

:class:`Session` wraps the pytest-lsp client with what every test does
(open and edit documents, wait for diagnostics of a version); the
``session`` fixture in ``conftest.py`` starts one server per test module.
"""

from __future__ import annotations

import asyncio
import contextlib
import inspect
import json
import os
import re
import sys
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from lsprotocol import types
from pygls.protocol import default_converter
from pytest_lsp import ClientServerConfig, LanguageClient
from pytest_lsp.client import DEFAULT_CLIENT_FEATURES, register_lsp_features

REPO = Path(__file__).resolve().parents[2]


class _Collector:
    """Stands in for the client's writer: keeps what is written."""

    def __init__(self, chunks: list[bytes]) -> None:
        self.chunks = chunks

    def write(self, data: bytes) -> None:
        self.chunks.append(data)


class Session:
    """A connected client plus helpers for the things every test does."""

    def __init__(self, client: LanguageClient, root: Path) -> None:
        self.client = client
        self.root = root
        self.versions: dict[str, int] = {}
        self.texts: dict[str, str] = {}

    # ------------------------------------------------------------ documents

    def uri(self, name: str) -> str:
        """URI of a file in the workspace."""
        return (self.root / name).as_uri()

    def write(self, name: str, text: str) -> Path:
        """Write a file into the workspace (not opened)."""
        path = self.root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
        return path

    def open(self, name: str, text: str, *, write: bool = True) -> str:
        """Write ``name`` to disk (unless told not to) and open it in the server."""
        if write:
            self.write(name, text)
        uri = self.uri(name)
        self.versions[uri] = 1
        self.texts[uri] = text
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="nix", version=1, text=text
                )
            )
        )
        return uri

    def replace(self, uri: str, text: str) -> int:
        """Send a full-text change; returns the new version."""
        version = self.versions[uri] = self.versions[uri] + 1
        self.texts[uri] = text
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[types.TextDocumentContentChangeWholeDocument(text=text)],
            )
        )
        return version

    def edit(self, uri: str, start: types.Position, end: types.Position, text: str) -> int:
        """Send one incremental change; returns the new version."""
        version = self.versions[uri] = self.versions[uri] + 1
        self.client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=version),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=start, end=end), text=text
                    )
                ],
            )
        )
        return version

    @contextlib.contextmanager
    def one_write(self) -> Iterator[None]:
        """Send every message written inside the block in one write, as a fast
        client would: how they interleave with the server's reads then no longer
        depends on how fast this client serialises them."""
        protocol = self.client.protocol
        real = protocol.writer
        chunks: list[bytes] = []
        protocol.writer = _Collector(chunks)
        try:
            yield
        finally:
            protocol.writer = real
            if chunks and real is not None:
                res = real.write(b"".join(chunks))
                if inspect.isawaitable(res):
                    asyncio.ensure_future(res)

    def save(self, uri: str) -> None:
        """Send didSave."""
        self.client.text_document_did_save(
            types.DidSaveTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    def close(self, uri: str) -> None:
        """Send didClose."""
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )

    async def raw_request(self, method: str, params: Any, timeout: float = 60.0) -> Any:
        """Send a request as raw JSON (bypassing the client's typed serialisation)."""
        self._raw_count = getattr(self, "_raw_count", 0) + 1
        msg_id = f"raw-{self._raw_count}"
        future: asyncio.Future[Any] = asyncio.get_running_loop().create_future()
        # Registered like the client's own requests, so the reply resolves it.
        self.client.protocol._request_futures[msg_id] = future  # type: ignore[assignment]
        body = json.dumps({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params})
        self.write_raw(body.encode())
        return await asyncio.wait_for(future, timeout)

    def write_raw(self, body: bytes) -> None:
        """Write one framed message body to the server's stdin as is."""
        server = self.client._server
        assert server is not None and server.stdin is not None
        server.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    # ------------------------------------------------------------ diagnostics

    async def diagnostics(
        self,
        uri: str,
        until: Callable[[list[types.Diagnostic]], bool] | None = None,
        timeout: float = 60.0,
    ) -> list[types.Diagnostic]:
        """The diagnostics published for the current version of ``uri``.

        Waits until a publication for that version arrives and, if given,
        ``until`` holds for it. The timeout only catches a server that never
        answers: generous, so that a loaded CI machine never reaches it.
        """
        published: dict[str, tuple[int | None, list[types.Diagnostic]]]
        published = self.client.published  # type: ignore[attr-defined]
        deadline = time.monotonic() + timeout
        while True:
            got = published.get(uri)
            if got is not None and got[0] == self.versions.get(uri):
                if until is None or until(got[1]):
                    return got[1]
            if time.monotonic() > deadline:
                raise AssertionError(f"no matching diagnostics for {uri}; last: {got}")
            await asyncio.sleep(0.01)


def pos(text: str, needle: str, delta: int = 0, nth: int = 0) -> types.Position:
    """UTF-16 position of the ``nth`` occurrence of ``needle`` in ``text`` (+ ``delta``)."""
    index = -1
    for _ in range(nth + 1):
        index = text.index(needle, index + 1)
    index += delta
    before = text[:index]
    line = before.count("\n")
    column_text = before[before.rfind("\n") + 1 :]
    character = len(column_text.encode("utf-16-le")) // 2
    return types.Position(line=line, character=character)


def rng(text: str, needle: str, nth: int = 0) -> types.Range:
    """UTF-16 range of the ``nth`` occurrence of ``needle``."""
    start = pos(text, needle, nth=nth)
    end = pos(text, needle, len(needle), nth=nth)
    return types.Range(start=start, end=end)


# What must never reach a user: the markers of nixls's own machinery (the
# unknown-argument stand-in of old) and Python tracebacks.
INTERNAL_MARKERS = re.compile(r"«nixls:|nixls:unknown|Traceback \(most recent call last\)")
# Server-to-client methods whose text is not shown to users (the server's log).
_NOT_SHOWN = {"window/logMessage", "$/logTrace", "$/progress"}


def internal_markers(messages: list[dict[str, Any]]) -> list[str]:
    """The user-visible messages (results, errors, diagnostics, pop-ups) with a marker."""
    found = []
    for message in messages:
        if message.get("method") in _NOT_SHOWN:
            continue
        text = json.dumps(message, ensure_ascii=False)
        if INTERNAL_MARKERS.search(text):
            found.append(text[:300])
    return found


def _record_received(client: LanguageClient) -> None:
    """Keep every message the server sends (``client.received``)."""
    received: list[dict[str, Any]] = []
    client.received = received  # type: ignore[attr-defined]
    structure = client.protocol.structure_message

    def recording(data: dict[str, Any]) -> Any:
        if "jsonrpc" in data:  # a whole message (the hook also sees nested objects)
            received.append(data)
        return structure(data)

    client.protocol.structure_message = recording  # type: ignore[method-assign]


def _client_factory() -> LanguageClient:
    client = LanguageClient(converter_factory=default_converter)
    _record_received(client)
    features = dict(DEFAULT_CLIENT_FEATURES)
    published: dict[str, tuple[int | None, list[types.Diagnostic]]] = {}
    client.published = published  # type: ignore[attr-defined]
    publish_log: list[tuple[str, int | None]] = []
    client.publish_log = publish_log  # type: ignore[attr-defined]
    client.refreshes = {"inlayHint": 0, "codeLens": 0}  # type: ignore[attr-defined]

    def on_publish(client: LanguageClient, params: types.PublishDiagnosticsParams) -> None:
        client.diagnostics[params.uri] = params.diagnostics
        published[params.uri] = (params.version, list(params.diagnostics))
        publish_log.append((params.uri, params.version))

    def on_inlay_refresh(client: LanguageClient, params: None) -> None:
        client.refreshes["inlayHint"] += 1  # type: ignore[attr-defined]

    def on_lens_refresh(client: LanguageClient, params: None) -> None:
        client.refreshes["codeLens"] += 1  # type: ignore[attr-defined]

    registrations: list[types.Registration] = []
    client.registrations = registrations  # type: ignore[attr-defined]

    def on_register(client: LanguageClient, params: types.RegistrationParams) -> None:
        registrations.extend(params.registrations)

    features[types.CLIENT_REGISTER_CAPABILITY] = on_register
    features[types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS] = on_publish
    features[types.WORKSPACE_INLAY_HINT_REFRESH] = on_inlay_refresh
    features[types.WORKSPACE_CODE_LENS_REFRESH] = on_lens_refresh
    register_lsp_features(client, features)
    return client


def server_config() -> ClientServerConfig:
    """How the tests start the server: the real CLI entry point over stdio."""
    env = dict(os.environ)
    env["PYTHONPATH"] = str(REPO) + os.pathsep + env.get("PYTHONPATH", "")
    return ClientServerConfig(
        server_command=[sys.executable, "-m", "nixls"],
        client_factory=_client_factory,
        server_env=env,
    )


def client_capabilities(
    encodings: list[str] | None, dynamic_watch: bool = False
) -> types.ClientCapabilities:
    """Capabilities of a typical modern client (optionally offering encodings)."""
    return types.ClientCapabilities(
        general=types.GeneralClientCapabilities(position_encodings=encodings)
        if encodings
        else None,
        window=types.WindowClientCapabilities(work_done_progress=True),
        workspace=types.WorkspaceClientCapabilities(
            configuration=True,
            inlay_hint=types.InlayHintWorkspaceClientCapabilities(refresh_support=True),
            code_lens=types.CodeLensWorkspaceClientCapabilities(refresh_support=True),
            did_change_watched_files=types.DidChangeWatchedFilesClientCapabilities(
                dynamic_registration=dynamic_watch
            ),
        ),
        text_document=types.TextDocumentClientCapabilities(
            hover=types.HoverClientCapabilities(
                content_format=[types.MarkupKind.Markdown, types.MarkupKind.PlainText]
            ),
            completion=types.CompletionClientCapabilities(
                completion_item=types.ClientCompletionItemOptions(
                    documentation_format=[types.MarkupKind.Markdown],
                    snippet_support=False,
                )
            ),
            rename=types.RenameClientCapabilities(prepare_support=True),
            document_symbol=types.DocumentSymbolClientCapabilities(
                hierarchical_document_symbol_support=True
            ),
            publish_diagnostics=types.PublishDiagnosticsClientCapabilities(
                related_information=True,
                version_support=True,
                code_description_support=True,
                tag_support=types.ClientDiagnosticsTagOptions(
                    value_set=[types.DiagnosticTag.Unnecessary, types.DiagnosticTag.Deprecated]
                ),
            ),
        ),
    )
