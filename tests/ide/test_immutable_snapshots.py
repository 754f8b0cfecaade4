"""Snapshots are immutable: edits after a snapshot never change its answers.

The document updates its tree and analysis in place for speed, taking them
back from older snapshots (which then parse their own text). These tests
hold old snapshots across edits that shift offsets, re-parse a region,
re-parse the whole text and break the syntax, and check that every old
snapshot still answers exactly as it did (hover, definition, references,
diagnostics, symbols, folds, tokens) from a tree with its own offsets, and
that work reading an old snapshot on a thread while an edit lands runs
again and answers for its own text.
"""

from __future__ import annotations

import asyncio
import threading
from typing import Any

from evaluator.syntax.document import preorder
from nixls.ide.host import AnalysisHost, Snapshot
from tests.ide.edits import Edit, Pos, Range

URI = "file:///ws/immutable.nix"
TEXT = """let
  a = 1;
  f = x: x + a;
  s = { p = f 2; q = "s${toString a}"; };
  unused = 3;
in
  s.p + b
"""


def edit_at(text: str, needle: str, new: str, delete: int = 0, skip: int = 0) -> Edit:
    """An edit replacing ``delete`` characters at ``needle`` (after ``skip``) by ``new``."""
    offset = text.index(needle) + skip
    line = text.count("\n", 0, offset)
    col = offset - (text.rfind("\n", 0, offset) + 1)
    return Edit(Range(Pos(line, col), Pos(line, col + delete)), new)


def answers(snap: Snapshot) -> dict[str, Any]:
    """Everything a snapshot says, at every offset where it says something."""
    reader = snap.reader()
    out: dict[str, Any] = {
        "source": snap.source,
        "diagnostics": [(d.code, d.start, d.end, d.message) for d in snap.diagnostics()],
        "symbols": repr(snap.symbols()),
        "folds": repr(snap.folds()),
        "tokens": snap.tokens(),
        "targets": snap.targets(),
        "lines": list(snap.document.text_document.lines.line_starts),
    }
    for offset in range(len(snap.source)):
        hover = snap.hover(offset, reader)
        defs = asyncio.run(snap.definitions(offset, reader))
        out[f"hover {offset}"] = None if hover is None else (hover.span, hover.markdown)
        out[f"definition {offset}"] = [(d.uri, d.span) for d in defs]
        out[f"references {offset}"] = snap.references(offset)
        out[f"selection {offset}"] = snap.selection(offset)
    return out


def tree_shape(snap: Snapshot) -> list[tuple[str, int, int]]:
    return [(type(n).__name__, n.start, n.end) for n in preorder(snap.document.parse_result.root)]


def quiet_host() -> AnalysisHost:
    host = AnalysisHost()
    host.settings.eval.enable = False  # definitions answer from the tree alone
    return host


def test_old_snapshots_answer_as_before_after_every_kind_of_edit() -> None:
    host = quiet_host()
    first = host.open(URI, TEXT, 1)
    before = answers(first)
    shape = tree_shape(first)
    text = TEXT
    held: list[tuple[Snapshot, dict[str, Any]]] = []
    # A new binding (everything after shifts), a longer number (a region
    # re-parsed), `f 2` -> `f 23`, a `;` deleted (a syntax error) and back.
    for i in range(len(EDITS)):
        now = host.apply(URI, [edit_at_text(text, i)], i + 2)
        assert now is not None
        now.diagnostics()  # parsed and analysed now, while older snapshots are held
        text = now.document.text
        if i == 1:
            held.append((now, answers(now)))
    assert first.source == TEXT.encode()
    assert tree_shape(first) == shape
    assert answers(first) == before
    for snap, said in held:
        assert answers(snap) == said
    # The edits were applied in place, taking the tree back from `first` and
    # from the held snapshot (both then parsed their own text).
    head = host.files.get(URI)
    assert head is not None and head.evictions == 2
    assert first.document.evictions == 1 and not first.document.lent


EDITS: list[tuple[str, str, int, int]] = [
    ("  a = 1;", "  z = 0;\n", 0, 0),
    ("a = 1", "00", 0, 5),
    ("f 2", "3", 0, 3),
    ("unused = 3;", "", 1, 10),
    ("unused = 3", ";", 0, 10),
]


def edit_at_text(text: str, i: int) -> Edit:
    needle, new, delete, skip = EDITS[i]
    return edit_at(text, needle, new, delete, skip)


def test_without_old_snapshots_edits_stay_in_place() -> None:
    host = quiet_host()
    host.open(URI, TEXT, 1).diagnostics()
    for i in range(len(EDITS)):
        snap = host.snapshot(URI)
        assert snap is not None
        text = snap.document.text
        del snap
        now = host.apply(URI, [edit_at_text(text, i)], i + 2)
        assert now is not None
        now.diagnostics()
        del now
    head = host.files.get(URI)
    assert head is not None and head.evictions == 0


def test_an_old_snapshot_parsed_only_after_the_edits_answers_for_its_text() -> None:
    host = quiet_host()
    first = host.open(URI, TEXT, 1)  # not parsed yet
    text = TEXT
    for i in range(len(EDITS)):
        now = host.apply(URI, [edit_at_text(text, i)], i + 2)
        assert now is not None
        now.diagnostics()
        text = now.document.text
    assert answers(first) == answers(quiet_host().open(URI, TEXT, 1))


def test_work_on_a_thread_overtaken_by_an_edit_runs_again_for_its_text() -> None:
    host = quiet_host()
    big = "{\n" + "".join(f"  a{i} = {{ b = [ {i} ]; }};\n" for i in range(2000)) + "}\n"
    old = host.open(URI, big, 1)
    old.diagnostics()
    edited = threading.Event()
    runs: list[str] = []

    def worker() -> str:
        found = repr(old.symbols())
        runs.append(found)
        edited.wait(30)  # the loop edits while this run is still going
        return found

    async def race() -> str:
        work = asyncio.ensure_future(old.document.settled(lambda: asyncio.to_thread(worker)))
        while not runs:  # the first run has read the tree and waits
            await asyncio.sleep(0.01)
        text = big
        for version in range(2, 12):
            # `a1`'s list becomes `[ 17 ]` (even versions), then `[ 1 ]` again.
            if version % 2 == 0:
                change = edit_at(text, "[ 1 ]", "7", skip=3)
            else:
                change = edit_at(text, "[ 17 ]", "", delete=1, skip=3)
            now = host.apply(URI, [change], version)
            assert now is not None
            now.diagnostics()
            text = now.document.text
            await asyncio.sleep(0)
        edited.set()
        return await work

    answer = asyncio.run(race())
    assert answer == repr(quiet_host().open(URI, big, 1).symbols())
    assert len(runs) == 2 and old.document.evictions == 1  # taken back, so run again


def test_revisions_sharing_a_tree_all_give_it_back() -> None:
    host = quiet_host()
    first = host.open(URI, TEXT, 1)
    before = answers(first)
    same = host.apply(URI, [], 2)  # a change of nothing: the same tree, lent again
    assert same is not None and same.document.parse_result is first.document.parse_result
    del same  # the newest holder is gone; the first still holds the tree
    now = host.apply(URI, [edit_at_text(TEXT, 1)], 3)  # re-parsed in place
    assert now is not None
    now.diagnostics()
    assert answers(first) == before
