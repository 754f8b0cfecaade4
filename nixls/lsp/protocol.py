"""pygls protocol adjustments: position encoding choice, malformed params, commands.

Document sync does not go through pygls at all (see
:meth:`nixls.lsp.server.NixServer.dispatch`): nixls keeps the text in its
incremental document, so pygls keeps no copy of it.
"""

from __future__ import annotations

import inspect
from collections.abc import Generator, Sequence
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException, JsonRpcInvalidParams
from pygls.protocol import LanguageServerProtocol, lsp_method

# Encodings the server speaks, in order of preference after the default:
# LSP mandates UTF-16; UTF-8 is cheaper for us (spans are byte offsets).
_UTF8 = types.PositionEncodingKind.Utf8
_UTF16 = types.PositionEncodingKind.Utf16


def _first_line(text: str) -> str:
    return text.strip().splitlines()[0] if text.strip() else "malformed"


def choose_encoding(offered: Sequence[str] | None) -> str:
    """UTF-8 if the client offers it, else UTF-16 (the LSP default)."""
    if offered and _UTF8 in offered:
        return _UTF8
    return _UTF16


class _Malformed:
    """A request whose params could not be read: answered with an error."""

    jsonrpc = "2.0"

    def __init__(self, msg_id: Any, method: str, reason: str) -> None:
        self.id = msg_id
        self.method = method
        self.reason = reason


class NixProtocol(LanguageServerProtocol):
    """The LSP protocol with nixls's encoding choice and document sync."""

    def structure_message(self, data: Any) -> Any:
        """Like pygls, but a request with unreadable params becomes an error reply.

        pygls drops such a request without answering, which leaves the
        client waiting forever.
        """
        try:
            return super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and isinstance(data.get("method"), str):
                cause = exc.__cause__
                reason = _first_line(str(cause)) if cause is not None else exc.message
                return _Malformed(data["id"], data["method"], reason)
            raise

    def handle_message(self, message: Any) -> None:
        """Answer malformed requests with InvalidParams; everything else as usual."""
        if isinstance(message, _Malformed):
            self._send_response(
                message.id,
                error=types.ResponseError(
                    code=JsonRpcInvalidParams.CODE,
                    message=f"invalid params for {message.method}: {message.reason}",
                ),
            )
            return
        super().handle_message(message)

    @lsp_method(types.INITIALIZE)
    def lsp_initialize(
        self, params: types.InitializeParams
    ) -> Generator[Any, Any, types.InitializeResult]:
        """Narrow the client's encoding offer to ours, then initialize as usual."""
        general = params.capabilities.general
        chosen = choose_encoding(general.position_encodings if general else None)
        if general is None:
            general = params.capabilities.general = types.GeneralClientCapabilities()
        general.position_encodings = [chosen]
        result: types.InitializeResult = yield from super().lsp_initialize(params)
        return result

    @lsp_method(types.WORKSPACE_EXECUTE_COMMAND)
    async def lsp_workspace__execute_command(  # type: ignore[override]
        self, params: types.ExecuteCommandParams
    ) -> Any:
        """Run a command as a coroutine registered under the request's id.

        pygls runs commands as a sub-task of a generator, so `$/cancelRequest`
        would cancel only the reply, not the command; nixls's commands take
        their JSON arguments as they come, so none of pygls's argument
        structuring is needed either.
        """
        handler = self.fm.commands.get(params.command)
        if handler is None:
            raise JsonRpcInvalidParams(f"unknown command {params.command!r}")
        result = handler(*(params.arguments or ()))
        if inspect.isawaitable(result):
            result = await result
        return result
