"""A bare-bytes LSP client: a real `python -m nixls` subprocess fed exact bytes.

The pytest-lsp client can only send well-formed messages; these tests need
to send broken frames and bodies, and to watch the process exit.
"""

from __future__ import annotations

import json
import os
import queue
import subprocess
import sys
import threading
import time
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[2]


def frame(body: bytes | str | Any) -> bytes:
    """``body`` (bytes, text or a JSON value) framed with its Content-Length."""
    if not isinstance(body, bytes | str):
        body = json.dumps(body)
    data = body.encode() if isinstance(body, str) else body
    return b"Content-Length: %d\r\n\r\n" % len(data) + data


class RawServer:
    """The server process, with the messages it writes collected on a thread."""

    def __init__(self, root: Path) -> None:
        env = dict(os.environ, PYTHONPATH=str(REPO))
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "nixls"],
            cwd=root,
            env=env,
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
        )
        self.root = root
        self.messages: queue.Queue[Any] = queue.Queue()
        self.stderr: list[bytes] = []
        # Responses read while waiting for another id, by id.
        self.early: dict[Any, list[dict[str, Any]]] = {}
        threading.Thread(target=self._read, daemon=True).start()
        threading.Thread(target=self._read_stderr, daemon=True).start()

    def _read(self) -> None:
        out = self.proc.stdout
        assert out is not None
        while True:
            length = None
            while True:
                line = out.readline()
                if not line:
                    self.messages.put(None)
                    return
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
                elif not line.strip():
                    break
            assert length is not None
            self.messages.put(json.loads(out.read(length)))

    def _read_stderr(self) -> None:
        err = self.proc.stderr
        assert err is not None
        for line in err:
            self.stderr.append(line)

    def send(self, data: bytes) -> None:
        """Write raw bytes to the server's stdin."""
        stdin = self.proc.stdin
        assert stdin is not None
        stdin.write(data)
        stdin.flush()

    def request(self, msg_id: int, method: str, params: Any = None) -> None:
        """Send a well-formed request."""
        self.send(frame({"jsonrpc": "2.0", "id": msg_id, "method": method, "params": params}))

    def notify(self, method: str, params: Any = None) -> None:
        """Send a well-formed notification."""
        self.send(frame({"jsonrpc": "2.0", "method": method, "params": params}))

    def response(self, msg_id: Any, timeout: float = 30) -> dict[str, Any]:
        """The next response with ``msg_id``; responses to other ids that come
        first are kept for their own call (concurrent requests answer in any
        order), other messages are dropped."""
        kept = self.early.get(msg_id)
        if kept:
            return kept.pop(0)
        deadline = time.monotonic() + timeout
        while True:
            left = deadline - time.monotonic()
            if left <= 0:
                raise TimeoutError(f"no response {msg_id!r}")
            try:
                message = self.messages.get(timeout=left)
            except queue.Empty:
                raise TimeoutError(f"no response {msg_id!r}") from None
            if message is None:
                raise EOFError(f"the server ended before answering {msg_id!r}")
            if isinstance(message, list):
                if any(m.get("id") == msg_id for m in message):
                    return {"batch": message}
                continue
            if "method" not in message:
                if message.get("id") == msg_id:
                    return message  # type: ignore[no-any-return]
                self.early.setdefault(message.get("id"), []).append(message)

    def initialize(self) -> None:
        """The initialize handshake, with the workspace folder."""
        uri = self.root.as_uri()
        self.request(
            0,
            "initialize",
            {"processId": None, "rootUri": uri, "capabilities": {}, "workspaceFolders": None},
        )
        assert "result" in self.response(0)
        self.notify("initialized", {})

    def open(self, name: str, text: str) -> str:
        """Open ``name`` with ``text``; returns its URI."""
        uri = (self.root / name).as_uri()
        item = {"uri": uri, "languageId": "nix", "version": 1, "text": text}
        self.notify("textDocument/didOpen", {"textDocument": item})
        return uri

    def wait(self, timeout: float) -> int:
        """The exit code, waiting at most ``timeout`` seconds."""
        return self.proc.wait(timeout=timeout)

    def kill(self) -> None:
        """Stop the process if it still runs."""
        if self.proc.poll() is None:
            self.proc.kill()
            self.proc.wait()

    def log_lines(self, needle: str, at_least: int = 1, timeout: float = 30) -> list[str]:
        """The stderr lines holding ``needle``, once there are ``at_least`` (or the timeout)."""
        deadline = time.monotonic() + timeout
        while True:
            found = [line for line in self.log.splitlines() if needle in line]
            if len(found) >= at_least or time.monotonic() > deadline:
                return found
            time.sleep(0.05)

    @property
    def log(self) -> str:
        """What the server wrote to stderr so far."""
        return b"".join(self.stderr).decode(errors="replace")
