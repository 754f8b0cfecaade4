"""Files on disk, watched-file invalidation, UTF-8 positions and the TCP transport."""

from __future__ import annotations

import asyncio
import socket
import subprocess
import sys
import time

import pytest
from lsprotocol import types

from tests.server.harness import REPO, Session

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # it checks initialization itself
# This module's client offers UTF-8 positions.
CLIENT_ENCODINGS = ["utf-8", "utf-16"]
INIT_OPTIONS = {"nixls": {"diagnostics": {"debounceMs": 0}, "eval": {"diagnostics": "off"}}}
DYNAMIC_WATCH = True


async def labels(session: Session, uri: str, at: types.Position) -> set[str]:
    result = await session.client.text_document_completion_async(
        types.CompletionParams(text_document=types.TextDocumentIdentifier(uri=uri), position=at)
    )
    assert isinstance(result, types.CompletionList)
    return {item.label for item in result.items}


async def test_utf8_is_negotiated_and_used(session: Session) -> None:
    caps = session.init_result.capabilities  # type: ignore[attr-defined]
    assert caps.position_encoding == types.PositionEncodingKind.Utf8
    text = 'let s = "é😀"; in s + nope\n'
    uri = session.open("utf8.nix", text)
    diags = await session.diagnostics(uri)
    (d,) = [d for d in diags if d.code == "undefined-variable"]
    # Characters are UTF-8 bytes now.
    column = len('let s = "é😀"; in s + '.encode())
    assert d.range.start == types.Position(line=0, character=column)


async def test_server_asks_to_watch_nix_files(session: Session) -> None:
    registrations: list[types.Registration] = session.client.registrations  # type: ignore[attr-defined]
    deadline = time.monotonic() + 60  # the request follows `initialized`, asynchronously
    while not registrations and time.monotonic() < deadline:
        await asyncio.sleep(0.01)
    (reg,) = [r for r in registrations if r.method == types.WORKSPACE_DID_CHANGE_WATCHED_FILES]
    options = session.client.protocol._converter.structure(
        reg.register_options, types.DidChangeWatchedFilesRegistrationOptions
    )
    assert [w.glob_pattern for w in options.watchers] == ["**/*.nix", "**/flake.lock"]


async def test_imported_files_are_cached_until_watched_change(session: Session) -> None:
    session.write("lib.nix", "{ alpha = 1; }\n")
    text = "let l = import ./lib.nix; in l.\n"
    uri = session.open("main.nix", text)
    at = types.Position(line=0, character=len("let l = import ./lib.nix; in l."))
    assert await labels(session, uri, at) == {"alpha"}
    # Changed on disk, not yet notified: the cached text is still used.
    path = session.write("lib.nix", "{ beta = 2; }\n")
    assert await labels(session, uri, at) == {"alpha"}
    session.client.workspace_did_change_watched_files(
        types.DidChangeWatchedFilesParams(
            changes=[types.FileEvent(uri=path.as_uri(), type=types.FileChangeType.Changed)]
        )
    )
    assert await labels(session, uri, at) == {"beta"}


async def test_open_documents_win_over_disk(session: Session) -> None:
    session.write("shared.nix", "{ onDisk = 1; }\n")
    text = "(import ./shared.nix).\n"
    uri = session.open("user.nix", text)
    at = types.Position(line=0, character=len("(import ./shared.nix)."))
    assert await labels(session, uri, at) == {"onDisk"}
    session.open("shared.nix", "{ inEditor = 1; }\n", write=False)
    assert await labels(session, uri, at) == {"inEditor"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


async def test_tcp_transport() -> None:
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "nixls", "serve", "--tcp", f"127.0.0.1:{port}"],
        cwd=REPO,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60  # a start-up under load takes seconds
        while True:
            try:
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                break
            except OSError:
                assert time.monotonic() < deadline, "server did not listen"
                await asyncio.sleep(0.05)
        body = b'{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"capabilities":{}}}'
        writer.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)
        await writer.drain()
        header = await asyncio.wait_for(reader.readuntil(b"\r\n\r\n"), 30)
        length = int(header.split(b":")[1].split(b"\r\n")[0])
        reply = await reader.readexactly(length)
        assert b'"serverInfo"' in reply and b'"nixls"' in reply
        writer.close()
    finally:
        proc.terminate()
        proc.wait(10)


async def test_bad_tcp_address_is_a_clear_error() -> None:
    proc = await asyncio.create_subprocess_exec(
        sys.executable,
        *["-m", "nixls", "serve", "--tcp", "nowhere"],
        cwd=REPO,
        stderr=asyncio.subprocess.PIPE,
    )
    _, err = await asyncio.wait_for(proc.communicate(), 60)
    assert proc.returncode == 2
    assert b"HOST:PORT" in err
    assert b"Traceback" not in err
