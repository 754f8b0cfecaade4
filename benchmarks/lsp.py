"""Language-server latency on a large file, over real stdio JSON-RPC.

    python benchmarks/lsp.py [--lines 10000] [--repeat 30]

Starts ``python -m nixls``, opens the generated package set
(``gen_packages.py``) and prints p50/p95 of:

- one-character edit -> diagnostics published (debounce set to 0): a space
  typed at the end of a line in the middle of the file, then deleted;
- the same for a character typed at the end of a name in the middle of the
  file (``${version}`` -> ``${versionx}``, which then resolves differently),
  then deleted;
- hover on names spread over the file (value evaluation included);
- completion at names spread over the file;
- document symbols (after an edit, so not from the cache);

and the server's peak RSS. Targets: edit -> diagnostics p50 <= 100 ms,
hover p50 <= 50 ms, completion p50 <= 100 ms, RSS <= 300 MB.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import re
import statistics
import sys
import tempfile
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from gen_packages import generate  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

TARGETS = {
    "edit -> diagnostics": 0.100,
    "edit name -> diags": 0.100,
    "hover": 0.050,
    "completion": 0.100,
    "document symbols": None,
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


def _peak_rss_mb(pid: int) -> float | None:
    try:
        with open(f"/proc/{pid}/status") as fh:
            for line in fh:
                if line.startswith("VmHWM:"):
                    return int(line.split()[1]) / 1024
    except OSError:
        return None
    return None


def _server_cpu(pid: int) -> float:
    """CPU seconds the server's threads have run (0 where unavailable).

    Reported beside wall-clock times: on a busy machine, wall time includes
    waiting for a core, CPU time does not.
    """
    total = 0.0
    try:
        tasks = os.listdir(f"/proc/{pid}/task")
    except OSError:
        return 0.0
    for task in tasks:
        try:
            with open(f"/proc/{pid}/task/{task}/schedstat") as fh:
                total += int(fh.read().split()[0]) / 1e9
        except (OSError, ValueError, IndexError):
            continue  # the thread ended meanwhile
    return total


Sample = tuple[float, float]  # (wall seconds, server CPU seconds)


async def _timed(pid: int, repeat: int, fn: Callable[[int], Awaitable[Any]]) -> list[Sample]:
    samples = []
    for i in range(repeat):
        cpu = _server_cpu(pid)
        start = time.perf_counter()
        await fn(i)
        samples.append((time.perf_counter() - start, _server_cpu(pid) - cpu))
    return samples


async def run(lines: int, repeat: int) -> int:
    """Drive the server and print the table; returns the exit status."""
    text = generate(lines)
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "packages.nix"
        path.write_text(text)
        uri = path.as_uri()
        client = LanguageClient("nixls-benchmark", "1")
        published: dict[int | None, float] = {}
        arrived = asyncio.Event()

        @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            published[params.version] = time.perf_counter()
            arrived.set()

        @client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

        env = dict(os.environ, PYTHONPATH=str(ROOT))
        await client.start_io(sys.executable, "-m", "nixls", env=env)
        server = client._server
        assert server is not None
        await client.initialize_async(
            types.InitializeParams(
                capabilities=types.ClientCapabilities(),
                root_uri=Path(tmp).as_uri(),
                initialization_options={
                    "nixls": {
                        "diagnostics": {"debounceMs": 0},
                        "eval": {"diagnostics": "off"},
                    }
                },
            )
        )
        client.initialized(types.InitializedParams())
        opened = time.perf_counter()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="nix", version=1, text=text
                )
            )
        )
        while 1 not in published:
            await asyncio.sleep(0.005)
        open_time = published[1] - opened
        doc = types.TextDocumentIdentifier(uri=uri)

        version = 1

        def typing(at: types.Position, char: str) -> Callable[[int], Awaitable[None]]:
            """Edit ``i`` types ``char`` at ``at`` (even ``i``) or deletes it again."""

            async def edit(i: int) -> None:
                nonlocal version
                version += 1
                end = types.Position(line=at.line, character=at.character + (i % 2))
                client.text_document_did_change(
                    types.DidChangeTextDocumentParams(
                        text_document=types.VersionedTextDocumentIdentifier(
                            uri=uri, version=version
                        ),
                        content_changes=[
                            types.TextDocumentContentChangePartial(
                                range=types.Range(start=at, end=end),
                                text=char if i % 2 == 0 else "",
                            )
                        ],
                    )
                )
                while version not in published:
                    await asyncio.sleep(0.001)

            return edit

        # A space at the end of a line in the middle; a letter at the end of a name.
        middle = text.count("\n") // 2
        line_text = text.split("\n")[middle]
        col = len(line_text.encode("utf-16-le")) // 2
        edit = typing(types.Position(line=middle, character=col), " ")
        name_at = text.index("${version}", len(text) // 2) + len("${version")
        edit_name = typing(_position(text, name_at), "x")

        pid = server.pid
        results: dict[str, list[Sample]] = {}
        results["edit -> diagnostics"] = await _timed(pid, repeat, edit)
        if repeat % 2:
            await edit(repeat)  # back to the original text
        results["edit name -> diags"] = await _timed(pid, repeat, edit_name)
        if repeat % 2:
            await edit_name(repeat)
        names = _name_offsets(text, repeat)

        async def hover(i: int) -> None:
            await client.text_document_hover_async(
                types.HoverParams(text_document=doc, position=_position(text, names[i]))
            )

        async def complete(i: int) -> None:
            await client.text_document_completion_async(
                types.CompletionParams(text_document=doc, position=_position(text, names[i] + 2))
            )

        async def symbols(i: int) -> None:
            await client.text_document_document_symbol_async(
                types.DocumentSymbolParams(text_document=doc)
            )

        async def symbols_after_edit(i: int) -> Sample:
            # An edit first (untimed), so the outline is computed, not cached.
            await edit(i)
            ((wall, cpu),) = await _timed(pid, 1, symbols)
            return wall, cpu

        results["hover"] = await _timed(pid, len(names), hover)
        results["completion"] = await _timed(pid, len(names), complete)
        n_symbols = max(4, repeat // 3) // 2 * 2  # even: the text ends as it began
        results["document symbols"] = [await symbols_after_edit(i) for i in range(n_symbols)]
        rss = _peak_rss_mb(server.pid)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()

    failed = False
    print(f"file: {text.count(chr(10))} lines; open -> first diagnostics {open_time * 1000:.0f} ms")
    print(f"{'measure':<22}{'p50 ms':>9}{'p95 ms':>9}{'cpu p50':>9}{'target':>10}")
    for name, samples in results.items():
        walls = sorted(w for w, _ in samples)
        cpus = sorted(c for _, c in samples)
        p50 = statistics.median(walls)
        p95 = walls[min(len(walls) - 1, int(len(walls) * 0.95))]
        target = TARGETS[name]
        mark = ""
        if target is not None:
            mark = f"{target * 1000:.0f}" + ("" if p50 <= target else " (missed)")
            failed |= p50 > target
        cpu = statistics.median(cpus) * 1000
        print(f"{name:<22}{p50 * 1000:>9.1f}{p95 * 1000:>9.1f}{cpu:>9.1f}{mark:>10}")
    if rss is not None:
        verdict = "300" + ("" if rss <= 300 else " (missed)")
        print(f"{'peak RSS (MB)':<22}{rss:>9.0f}{'':>18}{verdict:>10}")
        failed |= rss > 300
    return 1 if failed else 0


def main() -> int:
    """Parse arguments and run the benchmark."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=10000)
    parser.add_argument("--repeat", type=int, default=30)
    args = parser.parse_args()
    return asyncio.run(run(args.lines, args.repeat))


if __name__ == "__main__":
    sys.exit(main())
