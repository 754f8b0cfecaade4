"""Are RSS and CPU per edit flat over many edits? (issue 17: 10,000 edits.)

    python benchmarks/edit_flat.py [--edits 10000] [--every 1000] [--lines 1000]

Opens a generated package set (``gen_packages.py``) in ``python -m nixls``
over stdio, then sends ``--edits`` edits one at a time, each waiting for the
diagnostics of its version, so every edit takes the whole path (text
change, re-parse, re-analysis, publication); every tenth edit a hover is
asked as well. The edits alternate between typing an ``x`` after a name
(the name becomes undefined: a new error) and deleting it (the error goes),
so the text is the same after every two. At 0 and every ``--every`` edits
it prints the server's RSS and, over the edits since the previous row, its
CPU milliseconds per edit and the wall milliseconds per edit. Leaks show as
an RSS that keeps climbing and a CPU per edit that grows.
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from edit_storm import typing_storm  # noqa: E402
from gen_packages import generate  # noqa: E402
from hostile_server import rss_mb  # noqa: E402
from lsp import _server_cpu  # noqa: E402
from lsp_server import start_nixls  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402


async def run(lines: int, edits: int, every: int) -> list[tuple[int, float, float, float]]:
    """Rows of (edits so far, RSS MB, server CPU ms per edit, wall ms per edit)."""
    text = generate(lines)
    line, col, _, _ = typing_storm(text, 1)[0]
    published: dict[int | None, float] = {}
    client = LanguageClient("nixls-flat", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        published[params.version] = time.perf_counter()

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        pass

    async def wait(version: int) -> None:
        while version not in published:
            await asyncio.sleep(0.001)

    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "packages.nix"
        path.write_text(text)
        options = {"nixls": {"diagnostics": {"debounceMs": 0}}}
        pid = await start_nixls(client, Path(tmp), options)
        uri = path.as_uri()
        ident = types.TextDocumentIdentifier(uri=uri)
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="nix", version=1, text=text
                )
            )
        )
        await wait(1)
        cpu, wall = _server_cpu(pid), time.perf_counter()
        rows.append((0, rss_mb(pid), 0.0, 0.0))
        at = types.Position(line=line, character=col)
        after = types.Position(line=line, character=col + 1)
        for i in range(edits):
            typing = i % 2 == 0
            change = types.TextDocumentContentChangePartial(
                range=types.Range(start=at, end=at if typing else after),
                text="x" if typing else "",
            )
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                    content_changes=[change],
                )
            )
            if i % 10 == 0:
                await client.text_document_hover_async(
                    types.HoverParams(text_document=ident, position=at)
                )
            await wait(i + 2)
            if (i + 1) % every == 0:
                now_cpu, now = _server_cpu(pid), time.perf_counter()
                per_cpu = (now_cpu - cpu) / every * 1000
                rows.append((i + 1, rss_mb(pid), per_cpu, (now - wall) / every * 1000))
                n, rss, _, per_wall = rows[-1]
                print(f"{n:>6} edits: RSS {rss:.0f} MB, {per_cpu:.1f} ms CPU/edit, "
                      f"{per_wall:.1f} ms wall/edit", flush=True)  # fmt: skip
                cpu, wall = now_cpu, now
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return rows


def main() -> int:
    """Run the edits and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=1000)
    parser.add_argument("--edits", type=int, default=10_000)
    parser.add_argument("--every", type=int, default=1000)
    args = parser.parse_args()
    rows = asyncio.run(run(args.lines, args.edits, args.every))
    print(f"\ndocument: gen_packages {args.lines} lines; one edit at a time, each published")
    print("| edits | server RSS MB | server CPU ms/edit | wall ms/edit |")
    print("|---|---|---|---|")
    for n, rss, cpu, wall in rows:
        cells = (f"{cpu:.1f}", f"{wall:.1f}") if n else ("-", "-")
        print(f"| {n} | {rss:.0f} | {cells[0]} | {cells[1]} |")
    return 0


if __name__ == "__main__":
    sys.exit(main())
