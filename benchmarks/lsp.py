"""Language-server latency on large files, over real stdio JSON-RPC.

    python benchmarks/lsp.py [--lines 10000,50000] [--repeat 30] [--repeat-large 6] [--lib]
                             [--sizes-only]

For each size, starts ``python -m nixls``, opens the generated package set
(``gen_packages.py``) of that many lines and prints one row set:

- open -> first diagnostics;
- one-character edit -> diagnostics published (debounce set to 0): a space
  typed at the end of a line in the middle of the file, then deleted;
- the same for a character typed at the end of a name in the middle of the
  file (``${version}`` -> ``${versionx}``, which then resolves differently),
  then deleted;
- completion at names spread over the file, with the number of items;
- semantic tokens of a range of 100 lines around those names;
- document symbols (after an edit, so not from the cache), with the size of
  the reply in bytes of JSON;
- full semantic tokens after a letter typed in a name (what an editor asks
  for when the file changed), and the same asked as ``full/delta`` from the
  previous answer (a server without deltas answers those in full);
- hover on those names (value evaluation included), last: the evaluations
  it starts go on in the background;

the time from starting the server to its ``initialize`` reply (and all the
CPU it ran by then), and the server's resident memory after ``initialize``, after open, and at
its peak. Wall times are p50/p95; the server's CPU time (all its threads)
is shown beside them because a busy machine inflates wall time. Files larger
than 20,000 lines use ``--repeat-large`` samples (each edit there takes
seconds today). Targets (issue 16 for 50,000 lines; the 10,000-line targets
are the earlier ones): see ``targets()``.

First (alone with ``--lib``), rows on nixpkgs lib 26.11 given as ``lib``:
the cold first hover, later hovers, completion after a typed ``lib.`` and
resolving its items (targets in ``LIB_TARGETS``).

Home-manager rows (issue 15), with ``--home-manager PATH`` (a checkout;
default ``$HOME_MANAGER_SRC``; skipped with a message without one): a
workspace whose ``nixls.toml`` declares all its modules' options (stub
``pkgs`` from ``home_manager.py``), a user module opened, then the time to
the first option completion inside ``programs.git = { … }``, warm
completion p50 there, and the server's RSS with the set loaded.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from gen_packages import generate  # noqa: E402
from lsp_server import memory_mb, start_nixls  # noqa: E402
from lsprotocol import converters, types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

LARGE = 20000


def targets(lines: int) -> dict[str, float]:
    """Target p50 seconds (or MB for memory) per measure, for a file of ``lines``."""
    if lines > LARGE:
        return {
            "open -> diagnostics": 1.5,
            "edit -> diagnostics": 0.100,
            "edit name -> diags": 0.100,
            "completion": 0.150,
            "document symbols": 1.0,
            "peak RSS MB": 400,
        }
    return {
        "edit -> diagnostics": 0.100,
        "edit name -> diags": 0.100,
        "hover": 0.050,
        "completion": 0.100,
        "peak RSS MB": 300,
    }


def _position(text: str, offset: int) -> types.Position:
    before = text[:offset]
    line = before.count("\n")
    col = len(before[before.rfind("\n") + 1 :].encode("utf-16-le")) // 2
    return types.Position(line=line, character=col)


def _name_offsets(text: str, count: int) -> list[int]:
    """Offsets of identifiers used as expressions, spread over the file."""
    found = [m.start() for m in re.finditer(r"(?<=[=(\[ ])[a-z][A-Za-z0-9]+(?=[ ;)\].])", text)]
    step = max(1, len(found) // count)
    return found[::step][:count]


# The last CPU time read of every thread seen, by (process, thread): a thread
# that ended keeps counting what it ran, so the total never goes down.
_THREAD_CPU: dict[tuple[int, str], float] = {}


def _server_cpu(pid: int) -> float:
    """CPU seconds the server's threads have run (0 where unavailable).

    Per thread (``schedstat``, nanoseconds); a thread that ended since the
    last read counts with its last value (it ran at least that much).
    """
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        tasks = []
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as fh:
                _THREAD_CPU[pid, task] = int(fh.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile: its last value stays
    return sum(v for (p, _), v in _THREAD_CPU.items() if p == pid)


Sample = tuple[float, float]  # (wall seconds, server CPU seconds)


@dataclass
class Results:
    """What one row set measured."""

    lines: int
    initialize: Sample = (0.0, 0.0)
    open_time: Sample = (0.0, 0.0)
    samples: dict[str, list[Sample]] = field(default_factory=dict)
    completion_items: list[int] = field(default_factory=list)
    symbols_bytes: int = 0
    rss: dict[str, float | None] = field(default_factory=dict)


class Session:
    """A started server with one open document, and the edits and requests on it."""

    def __init__(self, client: LanguageClient, uri: str, text: str) -> None:
        self.client = client
        self.uri = uri
        self.text = text
        self.doc = types.TextDocumentIdentifier(uri=uri)
        self.version = 1
        self.published: dict[int | None, float] = {}
        server = client._server
        assert server is not None
        self.pid = server.pid

    async def timed(self, repeat: int, fn: Callable[[int], Awaitable[Any]]) -> list[Sample]:
        """Wall and server CPU of ``fn(0)`` … ``fn(repeat - 1)``."""
        samples = []
        for i in range(repeat):
            cpu = _server_cpu(self.pid)
            start = time.perf_counter()
            await fn(i)
            samples.append((time.perf_counter() - start, _server_cpu(self.pid) - cpu))
        return samples

    def typing(self, at: types.Position, char: str) -> Callable[[int], Awaitable[None]]:
        """Edit ``i`` types ``char`` at ``at`` (even ``i``) or deletes it again."""

        async def edit(i: int) -> None:
            self.version += 1
            end = types.Position(line=at.line, character=at.character + (i % 2))
            self.client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(
                        uri=self.uri, version=self.version
                    ),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(start=at, end=end),
                            text=char if i % 2 == 0 else "",
                        )
                    ],
                )
            )
            while self.version not in self.published:
                await asyncio.sleep(0.001)

        return edit

    async def open(self) -> Sample:
        """Open the document; wall and server CPU until its first diagnostics."""
        cpu = _server_cpu(self.pid)
        opened = time.perf_counter()
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=self.uri, language_id="nix", version=1, text=self.text
                )
            )
        )
        while 1 not in self.published:
            await asyncio.sleep(0.005)
        return self.published[1] - opened, _server_cpu(self.pid) - cpu


async def _edits(s: Session, res: Results, repeat: int) -> None:
    """A space at the end of a line in the middle; a letter at the end of a name."""
    text = s.text
    middle = text.count("\n") // 2
    line_text = text.split("\n")[middle]
    col = len(line_text.encode("utf-16-le")) // 2
    edit = s.typing(types.Position(line=middle, character=col), " ")
    name_at = text.index("${version}", len(text) // 2) + len("${version")
    edit_name = s.typing(_position(text, name_at), "x")
    res.samples["edit -> diagnostics"] = await s.timed(repeat, edit)
    if repeat % 2:
        await edit(repeat)  # back to the original text
    res.samples["edit name -> diags"] = await s.timed(repeat, edit_name)
    if repeat % 2:
        await edit_name(repeat)


async def _requests(s: Session, res: Results, repeat: int) -> None:
    """Completion, semantic tokens of a range, document symbols and hover."""
    names = _name_offsets(s.text, repeat)
    to_json = converters.get_converter()

    async def hover(i: int) -> None:
        await s.client.text_document_hover_async(
            types.HoverParams(text_document=s.doc, position=_position(s.text, names[i]))
        )

    async def complete(i: int) -> None:
        reply = await s.client.text_document_completion_async(
            types.CompletionParams(text_document=s.doc, position=_position(s.text, names[i] + 2))
        )
        items = reply.items if isinstance(reply, types.CompletionList) else reply or []
        res.completion_items.append(len(items))

    async def symbols(i: int) -> None:
        reply = await s.client.text_document_document_symbol_async(
            types.DocumentSymbolParams(text_document=s.doc)
        )
        res.symbols_bytes = len(json.dumps(to_json.unstructure(reply)))

    async def tokens_range(i: int) -> None:
        # A screenful around a name: what an editor asks for while scrolling.
        line = _position(s.text, names[i]).line
        shown = types.Range(
            start=types.Position(line=max(0, line - 50), character=0),
            end=types.Position(line=line + 50, character=0),
        )
        await s.client.text_document_semantic_tokens_range_async(
            types.SemanticTokensRangeParams(text_document=s.doc, range=shown)
        )

    edit = s.typing(types.Position(line=0, character=0), " ")

    async def symbols_after_edit(i: int) -> Sample:
        # An edit first (untimed), so the outline is computed, not cached.
        await edit(i)
        ((wall, cpu),) = await s.timed(1, symbols)
        return wall, cpu

    name_at = s.text.index("${version}", len(s.text) // 2) + len("${version")
    edit_name = s.typing(_position(s.text, name_at), "x")
    last: list[str | None] = [None]

    async def tokens_full(i: int) -> None:
        reply = await s.client.text_document_semantic_tokens_full_async(
            types.SemanticTokensParams(text_document=s.doc)
        )
        last[0] = reply.result_id if reply is not None else None

    async def tokens_delta(i: int) -> None:
        if last[0] is None:
            return await tokens_full(i)
        reply = await s.client.text_document_semantic_tokens_full_delta_async(
            types.SemanticTokensDeltaParams(text_document=s.doc, previous_result_id=last[0])
        )
        last[0] = reply.result_id if reply is not None else None

    def after_name_edit(fn: Callable[[int], Awaitable[None]]) -> Callable[[int], Awaitable[Sample]]:
        async def measured(i: int) -> Sample:
            # A letter typed in a name in the middle (untimed), then the request.
            await edit_name(i)
            ((wall, cpu),) = await s.timed(1, fn)
            return wall, cpu

        return measured

    res.samples["completion"] = await s.timed(len(names), complete)
    res.samples["tokens (100 lines)"] = await s.timed(len(names), tokens_range)
    n_symbols = max(2, repeat // 3) // 2 * 2  # even: the text ends as it began
    res.samples["document symbols"] = [await symbols_after_edit(i) for i in range(n_symbols)]
    # Full semantic tokens after each edit (what an editor asks for when the
    # file changed), then the same answered as a delta from the previous reply.
    await tokens_full(0)
    full, delta = after_name_edit(tokens_full), after_name_edit(tokens_delta)
    res.samples["tokens full after edit"] = [await full(i) for i in range(n_symbols)]
    res.samples["tokens delta after edit"] = [await delta(i) for i in range(n_symbols)]
    # Last: evaluations a hover starts go on in the background, and their CPU
    # would be counted in the rows after it.
    res.samples["hover"] = await s.timed(len(names), hover)


async def run(lines: int, repeat: int) -> Results:
    """Drive one server over a file of ``lines`` lines."""
    text = generate(lines)
    res = Results(lines=text.count("\n"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "packages.nix"
        path.write_text(text)
        client = LanguageClient("nixls-benchmark", "1")
        session: Session | None = None

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            if session is not None:
                session.published[params.version] = time.perf_counter()

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

        options = {"nixls": {"diagnostics": {"debounceMs": 0}, "eval": {"diagnostics": "off"}}}
        started = time.perf_counter()
        pid = await start_nixls(client, Path(tmp), options)
        # From the process start to the reply: all the CPU it has run.
        res.initialize = (time.perf_counter() - started, _server_cpu(pid))
        session = Session(client, path.as_uri(), text)
        res.rss["after initialize"] = memory_mb(session.pid, "VmRSS")
        res.open_time = await session.open()
        res.rss["after open"] = memory_mb(session.pid, "VmRSS")
        await _edits(session, res, repeat)
        await _requests(session, res, repeat)
        res.rss["peak"] = memory_mb(session.pid, "VmHWM")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return res


def report(res: Results) -> bool:
    """Print one row set; True when a target was missed."""
    goal = targets(res.lines)
    failed = False

    def mark(name: str, value: float, scale: float = 1000) -> str:
        nonlocal failed
        if name not in goal:
            return ""
        failed |= value > goal[name]
        return f"{goal[name] * scale:.0f}" + ("" if value <= goal[name] else " (missed)")

    print(f"\n{res.lines} lines")
    print(f"{'measure':<22}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50':>9}{'target':>14}")
    wall, cpu = res.initialize
    print(f"{'start -> initialize':<22}{wall * 1000:>9.1f}{'':>9}{cpu * 1000:>9.1f}")
    wall, cpu = res.open_time
    name = "open -> diagnostics"
    print(f"{name:<22}{wall * 1000:>9.1f}{'':>9}{cpu * 1000:>9.1f}{mark(name, wall):>14}")
    for name, samples in res.samples.items():
        walls = sorted(w for w, _ in samples)
        p50 = statistics.median(walls)
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        cpu = statistics.median(c for _, c in samples) * 1000
        print(f"{name:<22}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{cpu:>9.1f}{mark(name, p50):>14}")
    if res.completion_items:
        print(f"completion items: median {statistics.median(res.completion_items):.0f}")
    print(f"document symbols reply: {res.symbols_bytes / 1e6:.2f} MB of JSON")
    memory = ", ".join(f"{k} {v:.0f} MB" for k, v in res.rss.items() if v is not None)
    print(f"server RSS: {memory}")
    peak = res.rss.get("peak")
    if peak is not None and "peak RSS MB" in goal:
        print(f"peak RSS target: {mark('peak RSS MB', peak, 1)} MB")
    return failed


# ---------------------------------------------------------------- lib 26.11 values (issue 14)

LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"
LIB_TARGETS = {"first hover (cold)": 1.5, "later hovers": 0.050, "lib. completion": 0.100}
LIB_TEXT = """{ lib, ... }:
{
  a = lib.optional true 1;
  b = lib.strings.concatMapStrings toString [ 1 2 ];
  c = lib.mkOption { };
  d = lib.attrsets.mapAttrs;
  e = lib.versions.major "1.2.3";
  f = lib.lists.foldl';
  g = lib.trivial.id;
  h = lib.mkIf;
  i = lib;
}
"""
LIB_HOVERS = ["optional", "concatMapStrings", "mkOption", "mapAttrs", "major", "foldl'", "id"]


async def run_lib(repeat: int) -> Results:
    """Hovers and completion on nixpkgs lib 26.11 (given as `lib` through autoArgs).

    Rows: the first hover that needs `lib` after opening the file (cold
    server); later hovers on lib functions (value, doc comment, where
    defined); completion after a freshly typed `lib.`; resolving its items.
    """
    res = Results(lines=LIB_TEXT.count("\n"))
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "package.nix"
        path.write_text(LIB_TEXT)
        client = LanguageClient("nixls-benchmark", "1")
        options = {
            "nixls": {
                "eval": {
                    "diagnostics": "off",
                    "autoArgs": {"lib": f"import {LIB}"},
                    "allowedPaths": [str(LIB)],
                },
                "hover": {"waitMs": 5000},
            }
        }
        await start_nixls(client, Path(tmp), options)
        session = Session(client, path.as_uri(), LIB_TEXT)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=session.uri, language_id="nix", version=1, text=LIB_TEXT
                )
            )
        )

        async def hover(i: int) -> None:
            word = LIB_HOVERS[i % len(LIB_HOVERS)]
            at = _position(LIB_TEXT, LIB_TEXT.index(word) + 1)
            await client.text_document_hover_async(
                types.HoverParams(text_document=session.doc, position=at)
            )

        res.samples["first hover (cold)"] = await session.timed(1, hover)
        res.samples["later hovers"] = await session.timed(repeat, lambda i: hover(i + 1))
        # Type `  z = lib.` before the closing brace: the text no longer parses.
        end = LIB_TEXT.rindex("}")
        typed = types.Position(line=LIB_TEXT.count("\n", 0, end), character=0)
        session.version += 1
        client.text_document_did_change(
            types.DidChangeTextDocumentParams(
                text_document=types.VersionedTextDocumentIdentifier(
                    uri=session.uri, version=session.version
                ),
                content_changes=[
                    types.TextDocumentContentChangePartial(
                        range=types.Range(start=typed, end=typed), text="  z = lib.\n"
                    )
                ],
            )
        )
        after_dot = types.Position(line=typed.line, character=len("  z = lib."))
        items: list[types.CompletionItem] = []

        async def complete(i: int) -> None:
            reply = await client.text_document_completion_async(
                types.CompletionParams(text_document=session.doc, position=after_dot)
            )
            found = reply.items if isinstance(reply, types.CompletionList) else reply or []
            res.completion_items.append(len(found))
            items[:] = found

        async def resolve(i: int) -> None:
            await client.completion_item_resolve_async(items[(i * 37) % len(items)])

        res.samples["lib. completion"] = await session.timed(repeat, complete)
        res.samples["resolve item"] = await session.timed(repeat, resolve)
        res.rss["peak"] = memory_mb(session.pid, "VmHWM")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return res


def report_lib(res: Results) -> bool:
    """Print the lib rows; True when a target was missed."""
    failed = False
    print("\nnixpkgs lib 26.11 (autoArgs lib)")
    print(f"{'measure':<22}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50':>9}{'target':>14}")
    for name, samples in res.samples.items():
        walls = sorted(w for w, _ in samples)
        p50 = statistics.median(walls)
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        cpu = statistics.median(c for _, c in samples) * 1000
        goal = LIB_TARGETS.get(name)
        missed = goal is not None and p50 > goal
        failed |= missed
        shown = "" if goal is None else f"{goal * 1000:.0f}" + (" (missed)" if missed else "")
        print(f"{name:<22}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{cpu:>9.1f}{shown:>14}")
    if res.completion_items:
        print(f"completion items: median {statistics.median(res.completion_items):.0f}")
    peak = res.rss.get("peak")
    if peak is not None:
        print(f"server peak RSS: {peak:.0f} MB")
    return failed


# ---------------------------------------------------------------- home-manager rows

HM_TARGETS = {"first option completion": 15.0, "warm completion": 0.100, "RSS MB": 800}
HM_TOML = '[options.home]\nexpr = "import ./hm-options.nix"\n[eval]\nallowedPaths = [{}]\n'
HM_USER = "{ config, lib, pkgs, ... }:\n{\n  programs.git = {\n    enable = true;\n    \n  };\n}\n"
HM_OPTIONS = """\
let
  hm = {hm};
  lib = import (hm + "/modules/lib/stdlib-extended.nix") (import {lib});
  pkgs = import ./stub-pkgs.nix {{ inherit lib; path = ./stub-nixpkgs; names = {names}; }};
  modules = import (hm + "/modules/modules.nix") {{ inherit lib pkgs; check = false; }};
  stub = {{ _module.args.pkgs = lib.mkForce pkgs; _module.args.pkgs_i686 = lib.mkForce {{ }}; }};
in
(lib.evalModules {{
  modules = modules ++ [ stub ];
  class = "homeManager";
  specialArgs.modulesPath = toString (hm + "/modules");
}}).options
"""


def _process_cpu(pid: int) -> float:
    """CPU seconds of a whole process, ended threads included (0 where unavailable)."""
    try:
        with open(f"/proc/{pid}/stat") as fh:
            fields = fh.read().rsplit(")", 1)[1].split()
    except OSError:
        return 0.0
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


async def run_home_manager(hm: Path, repeat: int) -> dict[str, Any]:
    """First and warm option completion, and RSS, with all of ``hm``'s modules."""
    import home_manager

    out: dict[str, Any] = {}
    with tempfile.TemporaryDirectory(prefix="nixls-hm-lsp-") as tmp:
        root = Path(tmp)
        home_manager.write_workload(hm, root, [])
        names = "[ " + " ".join(f'"{n}"' for n in home_manager.pkgs_names(hm)) + " ]"
        (root / "hm-options.nix").write_text(
            HM_OPTIONS.format(hm=hm.resolve(), lib=home_manager.LIB_2611, names=names)
        )
        allowed = ", ".join(f'"{p}"' for p in (hm.resolve(), home_manager.LIB_2611.parent))
        (root / "nixls.toml").write_text(HM_TOML.format(allowed))
        client = LanguageClient("nixls-benchmark", "1")
        logged: list[str] = []
        client.feature(types.WINDOW_LOG_MESSAGE)(lambda params: logged.append(params.message))
        await start_nixls(client, root, {"nixls": {"eval": {"diagnostics": "off"}}})
        session = Session(client, (root / "home.nix").as_uri(), HM_USER)
        at = _position(HM_USER, HM_USER.index("    \n") + 4)

        async def options() -> int:
            reply = await client.text_document_completion_async(
                types.CompletionParams(text_document=session.doc, position=at)
            )
            items = reply.items if isinstance(reply, types.CompletionList) else reply or []
            return len(items) if any(i.label == "enable" for i in items) else 0

        started, cpu = time.perf_counter(), _process_cpu(session.pid)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=session.uri, language_id="nix", version=1, text=HM_USER
                )
            )
        )
        while not (count := await options()) and time.perf_counter() - started < 600:
            await asyncio.sleep(0.5)  # as a user asking again now and then
        out["first option completion"] = time.perf_counter() - started
        out["first completion CPU"] = _process_cpu(session.pid) - cpu
        out["items"] = count
        out["log"] = [m for m in logged if "option set" in m]
        warm = await session.timed(repeat, lambda _i: options())
        out["warm completion"] = statistics.median(w for w, _ in warm)
        out["RSS MB"] = memory_mb(session.pid, "VmRSS")
        out["peak RSS MB"] = memory_mb(session.pid, "VmHWM")
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return out


def report_home_manager(res: dict[str, Any]) -> bool:
    """Print the home-manager rows; True when a target was missed."""
    print("\nhome-manager (all modules), option completion in programs.git = { … }")
    failed = False
    for name, goal in HM_TARGETS.items():
        value = res.get(name)
        if value is None:
            continue
        missed = value > goal
        failed |= missed
        shown = f"{value:.0f} MB" if name == "RSS MB" else f"{value * 1000:.0f} ms"
        aim = f"{goal:.0f} MB" if name == "RSS MB" else f"{goal * 1000:.0f} ms"
        print(f"{name:<26}{shown:>12}   target {aim}" + (" (missed)" if missed else ""))
    print(f"first completion: server CPU {res.get('first completion CPU', 0):.1f} s")
    print(f"items: {res.get('items')}, peak RSS {res.get('peak RSS MB') or 0:.0f} MB")
    for message in res.get("log", []):
        print(f"server: {message}")
    return failed


# ---------------------------------------------------------------- a user's package file

FIXTURE = ROOT / "tests" / "data" / "nixpkgs-fixture"
PROJECT_PACKAGE = """{ lib, hello, stdenv }:

stdenv.mkDerivation {
  pname = "greeter";
  version = lib.versions.major "1.2.3";
  about = hello.meta.description;
}
"""
PROJECT_TARGETS = {"first lib hover (cold)": 1.5, "later hovers": 0.050}


async def run_project(repeat: int) -> dict[str, list[Sample]]:
    """A package file in a workspace whose nixpkgs is found through NIX_PATH only.

    The server starts with ``NIX_PATH=nixpkgs=<the nixpkgs-shaped fixture>``
    (real lib 26.11) and default settings except a long hover wait (so the
    cold hover is timed to its value, not to the wait). Rows: the first hover
    on ``lib`` in the newly opened file, cold; then hovers on ``lib``,
    ``lib.versions``, ``hello.meta.description`` and ``stdenv``, in turn.
    """
    text = PROJECT_PACKAGE
    samples: dict[str, list[Sample]] = {}
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "greeter.nix"
        path.write_text(text)
        (Path(tmp) / "default.nix").write_text(
            "{ pkgs ? import <nixpkgs> { } }: pkgs.callPackage ./greeter.nix { }\n"
        )
        client = LanguageClient("nixls-benchmark", "1")

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

        options = {"nixls": {"hover": {"waitMs": 30000}}}
        await start_nixls(client, Path(tmp), options, env={"NIX_PATH": f"nixpkgs={FIXTURE}"})
        session = Session(client, path.as_uri(), text)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=session.uri, language_id="nix", version=1, text=text
                )
            )
        )
        targets = [
            text.index(t) + len(t) - 1
            for t in ("lib.versions", "lib.versions.major", "description", "stdenv.mk")
        ]
        targets[0] = text.index("lib.versions")

        async def hover(i: int) -> None:
            at = _position(text, targets[i % len(targets)])
            await client.text_document_hover_async(
                types.HoverParams(text_document=session.doc, position=at)
            )

        samples["first lib hover (cold)"] = await session.timed(1, hover)
        samples["later hovers"] = await session.timed(repeat, lambda i: hover(i + 1))
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return samples


def report_project(samples: dict[str, list[Sample]]) -> bool:
    """Print the package-file rows; True when a target was missed."""
    failed = False
    print("\npackage file, nixpkgs from NIX_PATH (nixpkgs-shaped fixture, lib 26.11)")
    print(f"{'measure':<24}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50':>9}{'target':>14}")
    for name, got in samples.items():
        walls = sorted(w for w, _ in got)
        p50 = statistics.median(walls)
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        cpu = statistics.median(c for _, c in got) * 1000
        goal = PROJECT_TARGETS[name]
        missed = p50 > goal
        failed |= missed
        mark = f"{goal * 1000:.0f}" + (" (missed)" if missed else "")
        print(f"{name:<24}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{cpu:>9.1f}{mark:>14}")
    return failed


def main() -> int:
    """Parse arguments and run the row sets."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", default="10000,50000", help="comma-separated file sizes")
    parser.add_argument("--repeat", type=int, default=30)
    parser.add_argument("--repeat-large", type=int, default=6, help=f"samples over {LARGE} lines")
    parser.add_argument("--lib", action="store_true", help="only the nixpkgs lib 26.11 rows")
    parser.add_argument(
        "--project", action="store_true", help="only the package-file (nixpkgs) rows"
    )
    parser.add_argument(
        "--home-manager",
        default=os.environ.get("HOME_MANAGER_SRC"),
        help="a home-manager checkout, for the option-set rows",
    )
    parser.add_argument(
        "--sizes-only", action="store_true", help="only the generated files' row sets"
    )
    args = parser.parse_args()
    failed = False
    if not args.sizes_only:
        failed |= report_project(asyncio.run(run_project(args.repeat)))
        if args.project:
            return 1 if failed else 0
        failed |= report_lib(asyncio.run(run_lib(args.repeat)))
        if args.lib:
            return 1 if failed else 0
    for lines in (int(n) for n in args.lines.split(",") if n):
        repeat = args.repeat_large if lines > LARGE else args.repeat
        failed |= report(asyncio.run(run(lines, repeat)))
    hm = Path(args.home_manager) if args.home_manager else None
    if hm is None or not (hm / "modules" / "modules.nix").is_file():
        print("\nhome-manager rows skipped: pass --home-manager PATH (a home-manager checkout)")
    else:
        failed |= report_home_manager(asyncio.run(run_home_manager(hm, args.repeat)))
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
