"""Tree nodes held across an edit: evaluation never reports moved offsets.

An evaluation request takes nodes of its text's tree on the loop and reads
them on a worker (and its scope compiles more of them on demand while it
runs). An edit updates the document's tree in place, taking it back from
older texts. These tests land an edit that moves every node of the
evaluated binding (whitespace typed before it) at the worst moments: after
the request was made and before it ran, and in the middle of the run,
between taking a node and compiling it. Each time the answer is either for
the request's own text (errors located where they are in that text) or
says the evaluation was stopped, never an error placed at moved offsets.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from nixls.ide import live, scope_eval, value_nav
from nixls.ide.host import AnalysisHost, Overtaken, Snapshot
from tests.ide.test_immutable_snapshots import edit_at

URI = "file:///ws/held.nix"
TEXT = 'let\n  bad = 1 + "a";\nin bad\n'
# Where the error is in TEXT: Nix 2.26 blames the right operand of `+`.
ERROR_AT = (TEXT.index('"a"'), TEXT.index('"a"') + 3)
VALUE = (TEXT.index("1 +"), TEXT.index(";"))
# Spaces typed before `bad`: only whitespace changed, so the tree's nodes
# after it move in place (no re-parse makes new ones).
SHIFT = edit_at(TEXT, "bad", "    ", skip=0)


def open_host() -> tuple[AnalysisHost, Snapshot]:
    host = AnalysisHost()
    snap = host.open(URI, TEXT, 1)
    snap.diagnostics()  # the document's tree is lent to this text
    return host, snap


def edit_in_place(host: AnalysisHost) -> None:
    """Type the spaces and have the tree brought up to date (in place)."""
    now = host.apply(URI, [SHIFT], 2)
    assert now is not None
    now.diagnostics()


@pytest.fixture
def edit_while_compiling(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[Callable[[], None]]]:
    """Run the registered edit once, right before the first node is compiled."""
    pending: list[Callable[[], None]] = []
    real = scope_eval.compile_node

    def compile_node(node: Any, *args: Any) -> Any:
        while pending:
            pending.pop()()
        return real(node, *args)

    monkeypatch.setattr(scope_eval, "compile_node", compile_node)
    yield pending


def test_the_edit_moves_the_nodes_a_held_request_took() -> None:
    # What the tests below guard against is real: the request's node moves.
    host, snap = open_host()
    request = live.request_for_span(snap.document, VALUE, host.live.policy())
    assert request.node is not None and request.node.start == VALUE[0]
    edit_in_place(host)
    assert request.node.start == VALUE[0] + 4 and request.moved


def test_a_request_held_across_an_edit_is_not_evaluated_on_moved_nodes() -> None:
    host, snap = open_host()
    request = live.request_for_span(snap.document, VALUE, host.live.policy())
    edit_in_place(host)
    outcome = live.evaluate(request, threading.Event())
    assert outcome.cancelled and outcome.error_at is None


def test_an_edit_during_a_synchronous_evaluation_runs_it_again_on_its_text(
    edit_while_compiling: list[Callable[[], None]],
) -> None:
    host, snap = open_host()
    edit_while_compiling.append(lambda: edit_in_place(host))
    outcome = snap.evaluate(VALUE, host.live.policy(), threading.Event())
    assert not edit_while_compiling  # the edit landed mid-evaluation
    assert snap.document.evictions == 1
    assert outcome.error is not None and "cannot add" in outcome.error
    assert outcome.error_at == ERROR_AT


def on_the_loop(loop: asyncio.AbstractEventLoop, fn: Callable[[], None]) -> Callable[[], None]:
    """``fn`` run on the loop, waited for from a worker thread (as an edit arrives)."""

    def run() -> None:
        async def call() -> None:
            fn()

        asyncio.run_coroutine_threadsafe(call(), loop).result(10)

    return run


def test_an_edit_during_a_job_stops_it_instead_of_answering_at_moved_offsets(
    edit_while_compiling: list[Callable[[], None]],
) -> None:
    host, snap = open_host()

    async def scenario() -> live.Outcome:
        edit = on_the_loop(asyncio.get_running_loop(), lambda: edit_in_place(host))
        edit_while_compiling.append(edit)
        return await host.live.evaluate_span(snap.document, VALUE)

    outcome = asyncio.run(scenario())
    assert not edit_while_compiling
    assert outcome.cancelled and outcome.error_at is None


def test_value_facts_on_a_moved_tree_are_stopped_too(
    edit_while_compiling: list[Callable[[], None]],
) -> None:
    host, snap = open_host()
    query = value_nav.Query(VALUE, ())

    async def scenario() -> value_nav.Facts:
        edit = on_the_loop(asyncio.get_running_loop(), lambda: edit_in_place(host))
        edit_while_compiling.append(edit)
        return await value_nav.facts(host.live, snap.document, query)

    facts = asyncio.run(scenario())
    assert not edit_while_compiling
    assert facts.cancelled


def test_a_hover_value_an_edit_stopped_is_overtaken(
    edit_while_compiling: list[Callable[[], None]],
) -> None:
    host, snap = open_host()
    host.settings.hover.wait_ms = 10_000

    async def scenario() -> live.Outcome | None:
        edit = on_the_loop(asyncio.get_running_loop(), lambda: edit_in_place(host))
        edit_while_compiling.append(edit)
        return await snap.value_within(VALUE)

    with pytest.raises(Overtaken):
        asyncio.run(scenario())
    # The same question with no edit meanwhile: the value, for this text.
    again = host.snapshot(URI)
    assert again is not None
    outcome = asyncio.run(again.value_within(VALUE_AFTER))
    assert outcome is not None and outcome.error_at == (ERROR_AT[0] + 4, ERROR_AT[1] + 4)


VALUE_AFTER = (VALUE[0] + 4, VALUE[1] + 4)
