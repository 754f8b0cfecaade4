"""The raw wire client keeps responses that come before the one awaited.

Concurrent requests (evaluations an edit cancels) are answered in any
order; a client that dropped the other answers while it waited for one
timed out on the next (`test_runaway_evaluations_do_not_exhaust_the_workers`
failed so, with the server idle and every answer sent).
"""

from __future__ import annotations

from pathlib import Path

from tests.server.rawwire import RawServer


def test_an_answer_read_while_waiting_for_another_is_kept(tmp_path: Path) -> None:
    server = RawServer(tmp_path)
    try:
        server.initialize()
        for msg_id in (2, 1):  # answered in this order
            server.request(msg_id, "workspace/executeCommand", {"command": "nixls.status"})
        assert "result" in server.response(1)
        assert "result" in server.response(2, timeout=5)
    finally:
        server.kill()
