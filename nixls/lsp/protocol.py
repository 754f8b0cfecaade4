"""pygls protocol adjustments: position encoding choice and malformed params.

Document sync and commands do not go through pygls's built-in handlers
(see :meth:`nixls.lsp.server.NixServer.dispatch`); only public pygls API
is used here (``structure_message``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from lsprotocol import types
from pygls.exceptions import JsonRpcException
from pygls.protocol import LanguageServerProtocol

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


class Malformed:
    """A request whose params could not be read: answered with an error."""

    jsonrpc = "2.0"

    def __init__(self, msg_id: Any, method: str, reason: str) -> None:
        self.id = msg_id
        self.method = method
        self.reason = reason


class NixProtocol(LanguageServerProtocol):
    """The LSP protocol with nixls's encoding choice and malformed requests kept."""

    def structure_message(self, data: Any) -> Any:
        """Like pygls, with two differences.

        A request with unreadable params becomes a :class:`Malformed` (the
        server answers it; pygls would drop it, leaving the client waiting
        forever). In ``initialize``, the client's encoding offer is
        narrowed to the one nixls chooses, so pygls's own choice agrees.
        """
        try:
            message = super().structure_message(data)
        except JsonRpcException as exc:
            if isinstance(data, dict) and "id" in data and isinstance(data.get("method"), str):
                cause = exc.__cause__
                reason = _first_line(str(cause)) if cause is not None else exc.message
                return Malformed(data["id"], data["method"], reason)
            raise
        if isinstance(message, types.InitializeRequest):
            capabilities = message.params.capabilities
            general = capabilities.general
            chosen = choose_encoding(general.position_encodings if general else None)
            if general is None:
                general = capabilities.general = types.GeneralClientCapabilities()
            general.position_encodings = [chosen]
        return message
