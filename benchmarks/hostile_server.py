"""Server RSS around hostile evaluations (issue 17: memory given back).

    python benchmarks/hostile.py --server [--only NAME] [--settle 3]

Starts one ``python -m nixls`` over stdio with its default settings (budget:
2 s, 256 MB, 2,000,000 steps; whole-file evaluation on open), then for each
hostile case in turn: opens a document holding it (which starts a whole-file
evaluation), runs ``nixls.evaluate`` on the whole text, waits for the answer
and until no evaluation runs (``nixls.status``), closes the document and
lets the server settle. Prints per case the answer, its wall time, and the server's
RSS before, at peak (``VmHWM`` after resetting it through ``clear_refs``,
else sampled) and after, against the baseline measured once after a warm-up
evaluation. Exits 1 if any "after" is more than ``--margin`` MB above the
baseline or a case got no answer.
"""

from __future__ import annotations

import asyncio
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

from lsp_server import memory_mb, start_nixls
from lsprotocol import types
from pygls.lsp.client import LanguageClient

EVAL_SOURCE = "nixls-eval"


def server_cases() -> list[tuple[str, str]]:
    """(name, document text) of every case: the issue's list, as files."""
    return [
        ("toJSON of a cyclic set", "let s = { inherit s; }; in builtins.toJSON s"),
        ("cyclic ==", "let a = { x = a; }; b = { x = b; }; in a == b"),
        ("toString of a cyclic list", "let l = [ l ]; in toString l"),
        ("toXML of a cyclic set", "let s = { inherit s; }; in builtins.toXML s"),
        ("length (genList 2e7)", "builtins.length (builtins.genList (x: x) 20000000)"),
        (
            "deepSeq 10M small sets",
            "builtins.deepSeq (builtins.genList (x: { a = x; }) 10000000) 1",
        ),
        ("genList 2e7 of strings", "builtins.genList (x: toString x) 20000000"),
        ("non-tail recursion", "let f = x: 1 + f x; in f 1"),
        ("endless tail calls", "let f = x: f x; in f 1"),
        ("5000-digit integer", "1" * 5000),
        ("99-key select-or", "{}." + ".".join(["a"] * 99) + " or 1"),
        ("40,000-term 1+1+…", "+".join(["1"] * 40_000)),
        ("2,000,001-token file", "[" + " 1" * 2_000_001 + " ]"),
    ]


def rss_mb(pid: int, field: str = "VmRSS") -> float:
    """``VmRSS`` (now) or ``VmHWM`` (peak since the last reset) in MB; 0 if unknown."""
    return memory_mb(pid, field) or 0.0


def reset_peak(pid: int) -> bool:
    """Reset the kernel's peak-RSS mark of ``pid`` (Linux ``clear_refs`` 5)."""
    try:
        Path(f"/proc/{pid}/clear_refs").write_text("5")
    except OSError:
        return False
    return True


class Server:
    """One nixls server over stdio, with the publications it sent."""

    def __init__(self) -> None:
        self.client = LanguageClient("nixls-hostile", "1")
        self.published: dict[str, list[types.Diagnostic]] = {}
        self.pid = 0

        @self.client.feature(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
        def on_diagnostics(params: types.PublishDiagnosticsParams) -> None:
            self.published[params.uri] = list(params.diagnostics)

        @self.client.feature(types.WINDOW_LOG_MESSAGE)
        def on_log(params: types.LogMessageParams) -> None:
            pass

    async def start(self, root: Path) -> None:
        """Start and initialize the server with its default settings."""
        folders = [types.WorkspaceFolder(uri=root.as_uri(), name="hostile")]
        self.pid = await start_nixls(self.client, root, folders=folders)

    async def evaluate(self, path: Path, text: str, timeout: float) -> tuple[str, float]:
        """Open ``text`` as ``path``, evaluate it whole, close it: (answer, wall seconds)."""
        uri = path.as_uri()
        self.published.pop(uri, None)
        self.client.text_document_did_open(
            types.DidOpenTextDocumentParams(
                text_document=types.TextDocumentItem(
                    uri=uri, language_id="nix", version=1, text=text
                )
            )
        )
        lines = text.split("\n")
        end = {"line": len(lines) - 1, "character": len(lines[-1].encode("utf-16-le")) // 2}
        arg = {"uri": uri, "range": {"start": {"line": 0, "character": 0}, "end": end}}
        started = time.monotonic()
        try:
            result: Any = await asyncio.wait_for(
                self.client.workspace_execute_command_async(
                    types.ExecuteCommandParams(command="nixls.evaluate", arguments=[arg])
                ),
                timeout,
            )
            answer = _answer(result)
        except TimeoutError:
            answer = f"NO ANSWER in {timeout:.0f} s"
        except Exception as exc:  # a JSON-RPC error is an answer too
            answer = f"{type(exc).__name__}: {exc}"
        took = time.monotonic() - started
        # The whole-file evaluation started by the open ends as well.
        deadline = time.monotonic() + timeout
        while await self.running() and time.monotonic() < deadline:
            await asyncio.sleep(0.05)
        self.client.text_document_did_close(
            types.DidCloseTextDocumentParams(text_document=types.TextDocumentIdentifier(uri=uri))
        )
        return answer, took

    async def running(self) -> int:
        """How many evaluations the server is running (``nixls.status``)."""
        status = await self.client.workspace_execute_command_async(
            types.ExecuteCommandParams(command="nixls.status", arguments=[])
        )
        return int(status["runningEvaluations"]) if isinstance(status, dict) else 0

    async def stop(self) -> None:
        """Shut the server down."""
        await self.client.shutdown_async(None)
        self.client.exit(None)
        await self.client.stop()


def _answer(result: Any) -> str:
    if not isinstance(result, dict):
        return repr(result)[:70]
    text = str(result.get("error") or result.get("value"))
    first = text.splitlines()[0] if text else ""
    return first if len(first) <= 70 else first[:67] + "..."


async def _sample_peak(pid: int, stop: asyncio.Event) -> float:
    peak = 0.0
    while not stop.is_set():
        peak = max(peak, rss_mb(pid))
        await asyncio.sleep(0.02)
    return peak


async def _settle(pid: int, seconds: float) -> float:
    """RSS after ``seconds`` of quiet (the lowest reading of the last second)."""
    await asyncio.sleep(max(0.0, seconds - 1))
    readings = []
    for _ in range(10):
        readings.append(rss_mb(pid))
        await asyncio.sleep(0.1)
    return min(readings)


async def run(only: str | None, settle: float, timeout: float, margin: float) -> int:
    """Run the cases on one server and print the table; 1 if one does not come back."""
    failed = 0
    with tempfile.TemporaryDirectory() as tmp:
        root = Path(tmp)
        server = Server()
        await server.start(root)
        await server.evaluate(root / "warmup.nix", "let x = { a = [ 1 2 ]; }; in x.a", timeout)
        baseline = await _settle(server.pid, settle)
        print(f"server pid {server.pid}; baseline RSS {baseline:.0f} MB (after a warm-up)")
        print("| case | answer | wall s | before MB | peak MB | after MB | after - baseline |")
        print("|---|---|---|---|---|---|---|")
        for i, (name, text) in enumerate(server_cases()):
            if only and only not in name:
                continue
            before = rss_mb(server.pid)
            kernel_peak = reset_peak(server.pid)
            stop = asyncio.Event()
            sampler = asyncio.ensure_future(_sample_peak(server.pid, stop))
            answer, took = await server.evaluate(root / f"case{i}.nix", text, timeout)
            stop.set()
            peak = await sampler
            if kernel_peak:
                peak = max(peak, rss_mb(server.pid, "VmHWM"))
            after = await _settle(server.pid, settle)
            grown = after - baseline
            bad = grown > margin or answer.startswith("NO ANSWER")
            failed += bad
            flag = " **over**" if bad else ""
            cells = [name, answer.replace("|", "/"), f"{took:.1f}", f"{before:.0f}",
                     f"{peak:.0f}", f"{after:.0f}", f"{grown:+.0f}{flag}"]  # fmt: skip
            print("| " + " | ".join(cells) + " |", flush=True)
        await server.stop()
    return 1 if failed else 0


def main(argv: list[str]) -> int:
    """Parse the ``--server`` options of ``hostile.py`` and run."""
    import argparse

    p = argparse.ArgumentParser(prog="hostile.py --server", description=__doc__)
    p.add_argument("--only", default=None)
    p.add_argument("--settle", type=float, default=3.0, help="seconds of quiet before 'after'")
    p.add_argument("--timeout", type=float, default=60.0, help="seconds to wait for an answer")
    p.add_argument("--margin", type=float, default=100.0, help="MB allowed above the baseline")
    a = p.parse_args(argv)
    return asyncio.run(run(a.only, a.settle, a.timeout, a.margin))


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
