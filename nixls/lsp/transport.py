"""LSP over a byte stream: frames read robustly, bad messages answered, not fatal.

A frame is ``Content-Length: N`` (plus other headers), a blank line and N
bytes of JSON. Whatever an editor (or anything else) writes, the server
keeps reading:

- a frame whose length is missing, not a number or out of range is
  skipped, and so is stray input between frames; reading resumes at the
  next ``Content-Length`` header, even one glued to the end of the junk;
- a body that is not JSON gets the JSON-RPC ``Parse error`` (id null, as
  the JSON-RPC spec says when the id cannot be known); one that is JSON
  but not a request, response or notification (an array, which would be a
  batch, a scalar, no ``"jsonrpc": "2.0"``, a non-string method, nesting
  too deep to read) gets ``Invalid Request`` with its id when it has one.

Each problem is logged in one line. Frames are read on a daemon thread (a
blocked read never holds up the process's exit) and handled on the loop.
"""

from __future__ import annotations

import asyncio
import io
import json
import logging
import os
import re
import threading
from collections.abc import Callable
from typing import IO, Any

log = logging.getLogger(__name__)

PARSE_ERROR = -32700
INVALID_REQUEST = -32600
INTERNAL_ERROR = -32603

# Header lines are read in chunks of at most this size (junk may have no newline).
MAX_LINE = 64 * 1024
MAX_BODY = 256 * 1024 * 1024
_HEADER = re.compile(rb"content-length:", re.IGNORECASE)
_ID = re.compile(rb'"id"\s*:\s*(-?\d{1,15}|"(?:[^"\\]|\\.){0,200}")')


class FrameReader:
    """Splits a blocking byte stream into message bodies."""

    def __init__(self, stream: IO[bytes], warn: Callable[[str], None]) -> None:
        self.stream = stream
        self.warn = warn
        self._skipped = 0

    def next_body(self) -> bytes | None:
        """The next frame's body; None at the end of the stream."""
        length: int | None = None
        problem: str | None = None
        in_headers = False
        while True:
            line = self.stream.readline(MAX_LINE)
            if not line:
                self._report_skipped()
                return None
            if not line.strip():
                if in_headers and length is not None and problem is None:
                    return self._body(length)
                if in_headers:
                    self.warn(f"skipped a frame: {problem or 'no Content-Length header'}")
                length, problem, in_headers = None, None, False
                continue
            match = _HEADER.search(line)
            if match is None:
                if in_headers and _is_header(line):
                    continue  # Content-Type and the like
                self._skipped += len(line)
                continue
            self._skipped += match.start()
            self._report_skipped()
            in_headers = True
            value = line[match.end() :].strip()
            if value.isdigit() and int(value) <= MAX_BODY:
                length, problem = int(value), None
            else:
                shown = value[:40].decode("ascii", "replace")
                length, problem = None, f"bad Content-Length {shown!r}"

    def _body(self, length: int) -> bytes | None:
        chunks: list[bytes] = []
        missing = length
        while missing > 0:
            chunk = self.stream.read(missing)
            if not chunk:
                return None
            chunks.append(chunk)
            missing -= len(chunk)
        return b"".join(chunks)

    def _report_skipped(self) -> None:
        if self._skipped:
            self.warn(f"skipped {self._skipped} bytes of input that is not an LSP frame")
            self._skipped = 0


def _is_header(line: bytes) -> bool:
    name, sep, _ = line.partition(b":")
    return bool(sep) and bool(name) and all(33 <= c <= 126 for c in name)


def _valid_id(value: Any) -> bool:
    return (isinstance(value, int) and not isinstance(value, bool)) or isinstance(value, str)


def error_response(msg_id: Any, code: int, message: str) -> dict[str, Any]:
    """A JSON-RPC error response."""
    return {"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}}


def problem_of(data: Any) -> dict[str, Any] | list[dict[str, Any]] | None:
    """The error answering a decoded body that is not one JSON-RPC message, or None."""
    if isinstance(data, list):
        ids = [m.get("id") for m in data if isinstance(m, dict) and _valid_id(m.get("id"))]
        reason = "JSON-RPC batches are not supported by LSP"
        if not ids:
            return error_response(None, INVALID_REQUEST, reason)
        return [error_response(i, INVALID_REQUEST, reason) for i in ids]
    if not isinstance(data, dict):
        return error_response(None, INVALID_REQUEST, "a message must be a JSON object")
    msg_id = data.get("id") if _valid_id(data.get("id")) else None
    if data.get("jsonrpc") != "2.0":
        return error_response(msg_id, INVALID_REQUEST, 'a message needs "jsonrpc": "2.0"')
    if "id" in data and data["id"] is not None and msg_id is None:
        return error_response(None, INVALID_REQUEST, "an id must be a number or a string")
    if "method" in data:
        if not isinstance(data["method"], str):
            return error_response(msg_id, INVALID_REQUEST, "a method must be a string")
    elif "id" not in data or not ("result" in data or "error" in data):
        return error_response(msg_id, INVALID_REQUEST, "neither a request nor a response")
    return None


def decode(body: bytes) -> tuple[Any, dict[str, Any] | list[dict[str, Any]] | None]:
    """(message, None) for a well-formed body, else (None, the error to answer)."""
    try:
        data = json.loads(body)
    except RecursionError:
        found = _ID.search(body)
        msg_id = json.loads(found.group(1)) if found else None
        return None, error_response(msg_id, INVALID_REQUEST, "message nested too deeply")
    except ValueError as exc:
        return None, error_response(None, PARSE_ERROR, f"parse error: {exc}")
    return data, problem_of(data)


def own_stdin() -> IO[bytes]:
    """A reader of stdin of the server's own (not ``sys.stdin``).

    The reading thread may be blocked in it when the process exits; Python
    aborts at exit if that thread holds ``sys.stdin``'s lock.
    """
    return io.BufferedReader(io.FileIO(os.dup(0), "rb"))


class Writer:
    """Frames messages onto a byte stream; after ``close`` (or a broken pipe), drops them."""

    def __init__(self, stream: IO[bytes]) -> None:
        self._stream = stream
        self._lock = threading.Lock()
        self.closed = False

    def write(self, data: bytes) -> None:
        """Write ``data`` (already framed) and flush."""
        with self._lock:
            if self.closed:
                return
            try:
                self._stream.write(data)
                self._stream.flush()
            except (OSError, ValueError) as exc:
                self.closed = True
                log.warning("nixls: the client's stream is gone (%s); output dropped", exc)

    def close(self) -> None:
        """Stop writing (the stream is left to its owner)."""
        with self._lock:
            if not self.closed:
                self.closed = True
                try:
                    self._stream.flush()
                except (OSError, ValueError):
                    pass

    def send(self, message: Any) -> None:
        """Write one JSON message as a frame."""
        body = json.dumps(message).encode("utf-8")
        self.write(b"Content-Length: %d\r\n\r\n%s" % (len(body), body))


async def serve(
    stream: IO[bytes],
    writer: Writer,
    handle: Callable[[Any], None],
    stopped: Callable[[], bool],
) -> None:
    """Read frames from ``stream`` until it ends or ``stopped()``; ``handle`` each message."""
    loop = asyncio.get_running_loop()
    queue: asyncio.Queue[bytes | None] = asyncio.Queue()

    def warn(message: str) -> None:
        log.warning("nixls: %s", message)

    def read() -> None:
        reader = FrameReader(stream, warn)
        while True:
            try:
                body = reader.next_body()
            except (OSError, ValueError) as exc:
                warn(f"reading stopped: {exc}")
                body = None
            try:
                loop.call_soon_threadsafe(queue.put_nowait, body)
            except RuntimeError:
                return  # the loop has ended
            if body is None:
                return

    threading.Thread(target=read, name="nixls-reader", daemon=True).start()
    while not stopped():
        # Let what the previous message scheduled start first (as it would
        # if this message had not arrived yet): handlers see messages in order.
        await asyncio.sleep(0)
        body = await queue.get()
        if body is None:
            return
        message, problem = decode(body)
        if problem is not None:
            first = problem[0] if isinstance(problem, list) else problem
            warn(f"bad message: {first['error']['message']}")
            writer.send(problem)
            continue
        try:
            handle(message)
        except Exception as exc:  # the loop must go on: one line, and an answer if asked
            warn(f"could not handle a message: {type(exc).__name__}: {exc}")
            if "method" in message and _valid_id(message.get("id")):
                writer.send(error_response(message["id"], INTERNAL_ERROR, "internal error"))
