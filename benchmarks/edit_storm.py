"""Edit storms: many edits sent faster than the server can analyse them.

    python benchmarks/edit_storm.py [--lines 2300] [--edits 1000] [--debounce 150]

Opens a generated package set (``gen_packages.py``; 2,300 lines is about
75 kB) in ``python -m nixls`` over stdio, sends ``--edits`` didChange
notifications back to back, and reports, for two storms:

- typing: one character after another at the end of a name in the middle
  of the file (the name becomes undefined: the final text has a new error);
- scattered: a space inserted at the start of a pseudo-random line (fixed
  seed), the last edit again breaking a name.

For each: the time to send the storm, the time from the last edit to the
diagnostics of the final version, the server's CPU meanwhile, how many
publications arrived, and whether the final diagnostics equal those of a
fresh open of the final text (issue 17, item 9: within a second).
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import tempfile
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path[:0] = [str(ROOT), str(HERE)]

from gen_packages import generate  # noqa: E402
from lsp import _server_cpu  # noqa: E402
from lsp_server import start_nixls  # noqa: E402
from lsprotocol import types  # noqa: E402
from pygls.lsp.client import LanguageClient  # noqa: E402

from tests.server.lsp_fuzz import static_shape  # noqa: E402

Edit = tuple[int, int, int, str]  # line, start character, end character, new text


def typing_storm(text: str, count: int) -> list[Edit]:
    """``count`` characters typed one after another after a name in the middle."""
    lines = text.split("\n")
    line = next(i for i in range(len(lines) // 2, len(lines)) if "${version}" in lines[i])
    col = lines[line].index("${version}") + len("${version")
    return [(line, col + i, col + i, "x") for i in range(count)]


def scattered_storm(text: str, count: int, seed: int = 17) -> list[Edit]:
    """Spaces at the start of random lines; the last edit breaks a name."""
    rng = random.Random(seed)
    n_lines = text.count("\n")
    edits: list[Edit] = [(rng.randrange(n_lines), 0, 0, " ") for _ in range(count - 1)]
    line, col, _, _ = typing_storm(text, 1)[0]
    return [*edits, (line, col + 1, col + 1, "x")]  # the line gained a leading space


def apply(text: str, edits: list[Edit]) -> str:
    """The text after ``edits`` (ASCII text: characters are code units)."""
    lines = text.split("\n")
    for line, a, b, new in edits:
        lines[line] = lines[line][:a] + new + lines[line][b:]
    return "\n".join(lines)


async def storm(name: str, text: str, edits: list[Edit], debounce: int) -> dict[str, object]:
    """Run one storm on a fresh server; the numbers of one report row."""
    published: dict[str, dict[int | None, tuple[float, list[types.Diagnostic]]]] = {}
    client = LanguageClient("nixls-storm", "1")

    @client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
        got = published.setdefault(params.uri, {})
        got[params.version] = (time.perf_counter(), list(params.diagnostics))

    @client.feature(types.WINDOW_LOG_MESSAGE)
    def on_log(params: types.LogMessageParams) -> None:
        pass

    with tempfile.TemporaryDirectory() as tmp:
        path = Path(tmp) / "packages.nix"
        path.write_text(text)
        options = {"nixls": {"diagnostics": {"debounceMs": debounce}}}
        pid = await start_nixls(client, Path(tmp), options)

        async def wait(uri: str, version: int) -> tuple[float, list[types.Diagnostic]]:
            while version not in published.get(uri, {}):
                await asyncio.sleep(0.002)
            return published[uri][version]

        uri = path.as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="nix", version=1, text=text
                )
            )
        )
        await wait(uri, 1)
        cpu = _server_cpu(pid)
        started = time.perf_counter()
        for i, (line, a, b, new) in enumerate(edits):
            client.text_document_did_change(
                types.DidChangeTextDocumentParams(
                    text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=i + 2),
                    content_changes=[
                        types.TextDocumentContentChangePartial(
                            range=types.Range(
                                start=types.Position(line=line, character=a),
                                end=types.Position(line=line, character=b),
                            ),
                            text=new,
                        )
                    ],
                )
            )
        sent = time.perf_counter()
        final_at, final = await wait(uri, len(edits) + 1)
        cpu_used = _server_cpu(pid) - cpu
        fresh_uri = (Path(tmp) / "fresh.nix").as_uri()
        client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=fresh_uri, language_id="nix", version=1, text=apply(text, edits)
                )
            )
        )
        _, fresh = await wait(fresh_uri, 1)
        await client.shutdown_async(None)
        client.exit(None)
        await client.stop()
    return {
        "storm": name,
        "edits": len(edits),
        "send s": round(sent - started, 3),
        "last edit -> final diags s": round(final_at - sent, 3),
        "server CPU s": round(cpu_used, 2),
        "publications": len(published[uri]) - 1,
        "equal to fresh open": static_shape(final) == static_shape(fresh) and bool(final),
    }


async def main_async(lines: int, count: int, debounce: int) -> int:
    text = generate(lines)
    print(
        f"document: {len(text.encode())} bytes, {text.count(chr(10))} lines; debounce {debounce} ms"
    )
    ok = True
    for name, edits in (
        ("typing", typing_storm(text, count)),
        ("scattered", scattered_storm(text, count)),
    ):
        row = await storm(name, text, edits, debounce)
        print("  ".join(f"{k}: {v}" for k, v in row.items()))
        ok = ok and bool(row["equal to fresh open"])
    return 0 if ok else 1


def main() -> int:
    """Run the storms and print one row each."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--lines", type=int, default=2300)
    parser.add_argument("--edits", type=int, default=1000)
    parser.add_argument("--debounce", type=int, default=150)
    args = parser.parse_args()
    return asyncio.run(main_async(args.lines, args.edits, args.debounce))


if __name__ == "__main__":
    sys.exit(main())
