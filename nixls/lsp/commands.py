"""`workspace/executeCommand`, run as a task of its own request.

pygls runs a command as a sub-task of its built-in handler, so
`$/cancelRequest` would cancel only the reply while the command (an
evaluation) kept running; and it structures arguments from the handler's
annotations, which nixls's commands (plain JSON arguments) do not want.
So the server hands these requests here (:meth:`NixServer.dispatch`):
each command runs as one task under its request id, `$/cancelRequest`
cancels that task, and the reply is written to the transport directly.
Only public pygls API is used (the registered commands, exceptions' own
response errors).
"""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import Callable, Sequence
from typing import TYPE_CHECKING, Any

from lsprotocol import types
from pygls.exceptions import (
    JsonRpcException,
    JsonRpcInternalError,
    JsonRpcInvalidParams,
    JsonRpcRequestCancelled,
)

from nixls.lsp.convert import CONVERTER

if TYPE_CHECKING:
    from nixls.lsp.server import NixServer

log = logging.getLogger(__name__)

MsgId = int | str


class Commands:
    """Running commands, by request id."""

    def __init__(self, server: NixServer) -> None:
        self.server = server
        self.running: dict[MsgId, asyncio.Task[Any]] = {}

    def start(self, msg_id: MsgId, params: types.ExecuteCommandParams) -> None:
        """Run the command ``params`` names; the reply goes out when it ends."""
        handler: Callable[..., Any] | None = self.server.protocol.fm.commands.get(params.command)
        if handler is None:
            error = JsonRpcInvalidParams(f"unknown command {params.command!r}")
            self.server.respond(msg_id, error=error.to_response_error())
            return
        task = asyncio.ensure_future(_call(handler, params.arguments or []))
        self.running[msg_id] = task
        task.add_done_callback(lambda done: self._finished(msg_id, done))

    def cancel(self, msg_id: MsgId) -> bool:
        """Cancel the command running under ``msg_id``; False if there is none."""
        task = self.running.get(msg_id)
        if task is None:
            return False
        task.cancel()
        return True

    def _finished(self, msg_id: MsgId, task: asyncio.Task[Any]) -> None:
        self.running.pop(msg_id, None)
        if task.cancelled():
            cancelled = JsonRpcRequestCancelled(f'Request with id "{msg_id}" is canceled')
            self.server.respond(msg_id, error=cancelled.to_response_error())
            return
        exc = task.exception()
        if isinstance(exc, JsonRpcException):
            self.server.respond(msg_id, error=exc.to_response_error())
        elif exc is not None:
            log.error("command %s failed", msg_id, exc_info=exc)
            failed = JsonRpcInternalError(f"nixls: command failed: {type(exc).__name__}: {exc}")
            self.server.respond(msg_id, error=failed.to_response_error())
        else:
            self.server.respond(msg_id, result=CONVERTER.unstructure(task.result()))

    def stop(self) -> None:
        """Cancel every running command (the server is stopping)."""
        for task in self.running.values():
            task.cancel()


async def _call(handler: Callable[..., Any], arguments: Sequence[Any]) -> Any:
    result = handler(*arguments)
    if inspect.isawaitable(result):
        result = await result
    return result
