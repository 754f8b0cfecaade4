"""How a request that is cancelled or overtaken by an edit is answered, feature by feature.

- ``$/cancelRequest`` answers RequestCancelled (-32800), whatever the feature
  was doing: waiting for an evaluation (hover, completion), computing off
  the loop (symbols, semantic tokens) or asking an option set (options).
- An edit stops every evaluation of the old text; a request whose answer
  needed one answers ContentModified (-32801) (hover, completion,
  definition through a `with`; the
  `nixls.evaluate` command is checked in ``test_evaluation.py``). A request
  that needs no evaluation answers for the text it was asked about, as the
  LSP advises (a result on an older state may still be useful): symbols
  here, semantic tokens in ``test_tokens_and_actions.py``.

Requests that wait for an endless evaluation are stopped at a moment
chosen by the test. The others are sent in one write with a change that
replaces the text by a large one and the cancellation: the request's first
step parses that text on the server's loop, so the cancellation has
arrived before any answer can.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Awaitable, Callable
from concurrent.futures import Future
from typing import Any

import pytest
from lsprotocol import types
from pygls.exceptions import JsonRpcException

from tests.server.harness import REPO, Session, pos

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # writes nixls.toml (an option set) into its workspace root
INIT_OPTIONS = {
    "nixls": {
        "diagnostics": {"debounceMs": 0},
        "eval": {"diagnostics": "off", "budget": {"timeoutMs": 60000, "maxCallDepth": 0}},
        "hover": {"waitMs": 60000},
    }
}
REQUEST_CANCELLED = -32800
CONTENT_MODIFIED = -32801
FIXTURE = REPO / "tests" / "data" / "home-manager-like"

# `s` never ends: only cancellation (or the 60 s budget) stops its evaluation.
ENDLESS = "let\n  f = x: f x;\n  s = f 1;\nin s\n"
COMPLETING = "let\n  f = x: f x;\n  s = f 1;\nin s.\n"
# `y` comes from the `with`: where it is defined is asked of the endless set.
WITH = "let\n  f = x: f x;\nin with f 1; y\n"
BIG = "{\n" + "".join(f"  a{i} = {{ b = [ {i} ./p ]; }};\n" for i in range(6000)) + "}\n"


def ident(uri: str) -> types.TextDocumentIdentifier:
    return types.TextDocumentIdentifier(uri=uri)


async def running(session: Session, want: bool, timeout: float = 20) -> None:
    """Wait until evaluations are (or are no longer) running."""
    deadline = time.monotonic() + timeout
    while True:
        status = await session.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="nixls.status", arguments=[])
        )
        if (status["runningEvaluations"] > 0) == want:
            return
        assert time.monotonic() < deadline, status
        await asyncio.sleep(0.02)


async def answer(future: Future[Any], timeout: float = 60) -> Any:
    """The reply to a request (shielded: a late reply after a failed wait must not
    find its future cancelled, which would stop the client and fail the next tests)."""
    return await asyncio.wait_for(asyncio.shield(asyncio.wrap_future(future)), timeout)


async def error_code(future: Future[Any]) -> int:
    with pytest.raises(JsonRpcException) as info:
        await answer(future, 30)
    return int(info.value.code)


def send(session: Session, method: str, params: Any, msg_id: str) -> Future[Any]:
    future: Future[Any] = session.client.protocol.send_request(method, params, msg_id=msg_id)
    return future


def cancel(session: Session, msg_id: str) -> None:
    session.client.protocol.notify(types.CANCEL_REQUEST, types.CancelParams(id=msg_id))


def hover_params(uri: str) -> types.HoverParams:
    return types.HoverParams(text_document=ident(uri), position=pos(ENDLESS, "in s", 3))


def completion_params(uri: str) -> types.CompletionParams:
    at = pos(COMPLETING, "s.\n", 2)
    return types.CompletionParams(text_document=ident(uri), position=at)


def definition_params(uri: str) -> types.DefinitionParams:
    return types.DefinitionParams(text_document=ident(uri), position=pos(WITH, "y\n"))


WAITING: dict[str, tuple[str, str, Callable[[str], Any]]] = {
    "hover": (types.TEXT_DOCUMENT_HOVER, ENDLESS, hover_params),
    "completion": (types.TEXT_DOCUMENT_COMPLETION, COMPLETING, completion_params),
    "definition": (types.TEXT_DOCUMENT_DEFINITION, WITH, definition_params),
}


@pytest.mark.parametrize("feature", sorted(WAITING))
async def test_a_cancelled_request_waiting_for_an_evaluation(
    session: Session, feature: str
) -> None:
    method, text, params = WAITING[feature]
    uri = session.open(f"cancel-{feature}.nix", text)
    future = send(session, method, params(uri), f"cancel-{feature}")
    await running(session, True)  # it waits for the endless evaluation
    cancel(session, f"cancel-{feature}")
    assert await error_code(future) == REQUEST_CANCELLED
    await running(session, False)  # and the evaluation stopped


@pytest.mark.parametrize("feature", sorted(WAITING))
async def test_an_edit_stops_the_evaluation_a_request_waits_for(
    session: Session, feature: str
) -> None:
    method, text, params = WAITING[feature]
    uri = session.open(f"edit-{feature}.nix", text)
    future = send(session, method, params(uri), f"edit-{feature}")
    await running(session, True)
    session.edit(uri, types.Position(line=0, character=0), types.Position(line=0, character=0), " ")
    assert await error_code(future) == CONTENT_MODIFIED
    await running(session, False)


def replaced_then_cancelled(
    session: Session, uri: str, method: str, params: Any, msg_id: str
) -> Future[Any]:
    """Replace ``uri``'s text by BIG, ask, and cancel the request: one write."""
    with session.one_write():
        session.replace(uri, BIG)
        future = send(session, method, params, msg_id)
        cancel(session, msg_id)
    return future


OFF_LOOP: dict[str, tuple[str, Callable[[str], Any]]] = {
    "symbols": (
        types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
        lambda uri: types.DocumentSymbolParams(text_document=ident(uri)),
    ),
    "folding": (
        types.TEXT_DOCUMENT_FOLDING_RANGE,
        lambda uri: types.FoldingRangeParams(text_document=ident(uri)),
    ),
    "tokens": (
        types.TEXT_DOCUMENT_SEMANTIC_TOKENS_FULL,
        lambda uri: types.SemanticTokensParams(text_document=ident(uri)),
    ),
}


@pytest.mark.parametrize("feature", sorted(OFF_LOOP))
async def test_a_cancelled_request_computed_off_the_loop(session: Session, feature: str) -> None:
    method, params = OFF_LOOP[feature]
    uri = session.open(f"off-loop-{feature}.nix", "{ a = 1; }\n")
    await session.diagnostics(uri)
    future = replaced_then_cancelled(session, uri, method, params(uri), f"off-{feature}")
    assert await error_code(future) == REQUEST_CANCELLED
    # The server goes on: the same request, not cancelled, is answered.
    assert await answer(send(session, method, params(uri), f"again-{feature}"))


async def test_symbols_overtaken_by_an_edit_answer_for_their_text(session: Session) -> None:
    small = "{\n  a = 1;\n  b = 2;\n}\n"
    uri = session.open("overtaken-symbols.nix", small)
    await session.diagnostics(uri)
    with session.one_write():
        session.replace(uri, BIG)
        future = send(
            session,
            types.TEXT_DOCUMENT_DOCUMENT_SYMBOL,
            types.DocumentSymbolParams(text_document=ident(uri)),
            "overtaken-symbols",
        )
        # `a0` renamed while the request computes: not an error, the old names.
        at = pos(BIG, "a0 ")
        session.edit(uri, at, types.Position(line=at.line, character=at.character + 2), "z0")
    symbols = await answer(future)
    names = [s["name"] if isinstance(s, dict) else s.name for s in symbols]
    assert names[:2] == ["a0", "a1"] and len(names) == 6000


async def option_set(session: Session) -> str:
    """nixls.toml declaring the fixture's options; a module of that set, once they load."""
    (session.root / "nixls.toml").write_text(
        "[options.home]\n"
        f'expr = "(import {FIXTURE}/eval.nix).options"\n'
        'files = ["home.nix"]\n'
        "[eval]\n"
        f'allowedPaths = ["{REPO / "tests" / "data"}"]\n'
    )
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings=INIT_OPTIONS)
    )
    text = "{ config, ... }:\n{\n  programs.git = {  };\n}\n"
    uri = session.open("home.nix", text)
    at = pos(text, "{  }", 2)

    async def labels() -> list[str]:
        got = await session.client.text_document_completion_async(
            types.CompletionParams(text_document=ident(uri), position=at)
        )
        items = got.items if isinstance(got, types.CompletionList) else got or []
        return [i.label for i in items]

    await eventually(labels, lambda found: "enable" in found)
    return uri


async def eventually(
    ask: Callable[[], Awaitable[list[str]]], ok: Callable[[list[str]], bool]
) -> None:
    deadline = time.monotonic() + 120
    while not ok(await ask()):
        assert time.monotonic() < deadline, "the option set never loaded"
        await asyncio.sleep(0.2)


async def test_a_cancelled_option_completion(session: Session) -> None:
    uri = await option_set(session)
    at = pos(BIG, "b = [")
    params = types.CompletionParams(text_document=ident(uri), position=at)
    future = replaced_then_cancelled(
        session, uri, types.TEXT_DOCUMENT_COMPLETION, params, "cancel-option"
    )
    assert await error_code(future) == REQUEST_CANCELLED
