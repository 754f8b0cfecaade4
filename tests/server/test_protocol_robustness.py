"""Bad bytes on the wire, runaway evaluations and exit: the server survives and obeys.

Each case writes exact bytes to a real server process: a malformed frame
or body is answered with the JSON-RPC error the spec names (when the
message has an id; ``null`` when none can be read), logged in one line,
and the next well-formed request is still answered.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.server.rawwire import RawServer, frame

PARSE_ERROR = -32700
INVALID_REQUEST = -32600

# Runs until cancelled (or until a budget inside the builtin stops it).
# Runs until the time budget stops it (no recursion, so no depth limit first).
RUNAWAY = (
    "let r = builtins.genericClosure { startSet = [ { key = 0; } ]; "
    "operator = x: [ { key = x.key + 1; } ]; }; in builtins.length r\n"
)


@pytest.fixture
def server(tmp_path: Path) -> Iterator[RawServer]:
    s = RawServer(tmp_path)
    s.initialize()
    yield s
    s.kill()


def still_answers(server: RawServer, msg_id: int) -> None:
    """A well-formed request after the bad input is answered."""
    server.request(msg_id, "workspace/executeCommand", {"command": "nixls.status"})
    reply = server.response(msg_id)
    assert reply["result"]["openDocuments"] == 0, reply


REQUEST = (
    b'{"jsonrpc":"2.0","id":%d,"method":"workspace/executeCommand",'
    b'"params":{"command":"nixls.status"}}'
)

BAD_FRAMES = {
    "non-numeric length": b"Content-Length: abc\r\n\r\n" + REQUEST % 90,
    "negative length": b"Content-Length: -5\r\n\r\n" + REQUEST % 90,
    "missing length": b"Content-Type: application/vscode-jsonrpc\r\n\r\n" + REQUEST % 90,
    "stray bytes": b"hello there\r\n\x00\xff{}\r\n",
}


@pytest.mark.parametrize("case", sorted(BAD_FRAMES))
def test_a_malformed_frame_is_skipped_and_reading_resumes(server: RawServer, case: str) -> None:
    server.send(BAD_FRAMES[case])
    still_answers(server, 1)
    with pytest.raises(TimeoutError):
        server.response(90, timeout=0.5)  # the body of a skipped frame is not a message
    assert server.log_lines("nixls: skipped")
    assert "Traceback" not in server.log


def test_a_too_small_length_is_a_parse_error_and_the_rest_is_skipped(server: RawServer) -> None:
    body = REQUEST % 7
    server.send(b"Content-Length: 20\r\n\r\n" + body + frame(REQUEST % 1))
    reply = server.response(None)
    assert reply["error"]["code"] == PARSE_ERROR
    assert server.response(1)["result"]["openDocuments"] == 0
    assert "Traceback" not in server.log


BAD_BODIES = {
    "not JSON": (b"hello", None, PARSE_ERROR),
    "not UTF-8": (b'{"a": "\xff"}', None, PARSE_ERROR),
    "scalar": (b"42", None, INVALID_REQUEST),
    "no jsonrpc": (b'{"id": 5, "method": "shutdown"}', 5, INVALID_REQUEST),
    "wrong jsonrpc": (b'{"jsonrpc": "1.0", "id": 6, "method": "shutdown"}', 6, INVALID_REQUEST),
    "method not a string": (b'{"jsonrpc": "2.0", "id": 8, "method": 3}', 8, INVALID_REQUEST),
    "deeply nested": (
        b'{"jsonrpc": "2.0", "id": 4, "method": "textDocument/hover", "params": '
        + b"[" * 100_000
        + b"]" * 100_000
        + b"}",
        4,
        INVALID_REQUEST,
    ),
}


@pytest.mark.parametrize("case", sorted(BAD_BODIES))
def test_a_bad_body_is_answered_with_the_spec_error(server: RawServer, case: str) -> None:
    body, msg_id, code = BAD_BODIES[case]
    server.send(frame(body))
    reply = server.response(msg_id)
    assert reply["error"]["code"] == code, reply
    still_answers(server, 1)
    assert len(server.log_lines("bad message")) == 1
    assert "Traceback" not in server.log


def test_a_batch_is_refused_element_by_element(server: RawServer) -> None:
    batch = b"[" + REQUEST % 11 + b"," + REQUEST % 12 + b"]"
    server.send(frame(batch))
    reply = server.response(11)["batch"]
    assert sorted(m["id"] for m in reply) == [11, 12]
    assert all(m["error"]["code"] == INVALID_REQUEST for m in reply)
    still_answers(server, 1)


def _evaluate(server: RawServer, msg_id: int, uri: str, character: int) -> None:
    server.request(
        msg_id,
        "workspace/executeCommand",
        {
            "command": "nixls.evaluate",
            "arguments": [{"uri": uri, "position": {"line": 0, "character": character}}],
        },
    )


def test_runaway_evaluations_do_not_exhaust_the_workers(server: RawServer) -> None:
    # Calibration on this machine, now (and the evaluator's imports done):
    # the same evaluation with nothing else running.
    plain = server.open("plain.nix", "1 + 1\n")
    started = time.monotonic()
    _evaluate(server, 19, plain, 2)
    assert server.response(19)["result"]["value"] == "2"
    idle = time.monotonic() - started
    uris = [server.open(f"cycle{i}.nix", RUNAWAY) for i in range(4)]
    for i, uri in enumerate(uris):
        _evaluate(server, 20 + i, uri, RUNAWAY.index("length r"))
    time.sleep(0.5)
    for uri in uris:  # an edit cancels what ran on the old text
        server.notify(
            "textDocument/didChange",
            {"textDocument": {"uri": uri, "version": 2}, "contentChanges": [{"text": "1\n"}]},
        )
    for i in range(4):
        assert "error" in server.response(20 + i)  # content modified
    started = time.monotonic()
    _evaluate(server, 30, plain, 2)
    assert server.response(30)["result"]["value"] == "2"
    took = time.monotonic() - started
    # Relative to the calibration: load slows both alike.
    assert took < max(5.0, 10 * idle), (took, idle)


def test_exit_is_prompt_while_an_evaluation_runs(server: RawServer) -> None:
    # A budget far beyond the wait below: an exit that waited for the
    # evaluation would not come in time, however fast the machine.
    budget = {"eval": {"budget": {"timeoutMs": 600_000, "maxCallDepth": 0}}}
    server.notify("workspace/didChangeConfiguration", {"settings": {"nixls": budget}})
    uri = server.open("cycle.nix", RUNAWAY)
    _evaluate(server, 40, uri, 40)
    server.request(42, "workspace/executeCommand", {"command": "nixls.status"})
    deadline = time.monotonic() + 60
    while server.response(42)["result"]["runningEvaluations"] == 0:
        assert time.monotonic() < deadline, "the evaluation never started"
        time.sleep(0.05)
        server.request(42, "workspace/executeCommand", {"command": "nixls.status"})
    server.request(41, "shutdown")
    assert server.response(41)["result"] is None
    server.notify("exit")
    assert server.wait(timeout=30) == 0
    time.sleep(0.2)
    assert "closed file" not in server.log
    assert "Traceback" not in server.log


def test_exit_without_shutdown_exits_with_1(server: RawServer) -> None:
    server.notify("exit")
    assert server.wait(timeout=5) == 1
