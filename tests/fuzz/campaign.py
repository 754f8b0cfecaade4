"""A long fuzz campaign over all four targets, in chunks that survive a stop.

``python -m tests.fuzz.campaign --plan parser:45000,evaluator:35000,...``
splits each target's cases into chunks of ``--chunk`` cases, each run as
its own process (``python -m tests.fuzz`` or ``python -m tests.server.lsp_fuzz``)
with its own seed. A chunk that burns more than ``--chunk-cpu-limit`` CPU
seconds (or, last resort, runs longer than ``--chunk-wall-limit``) is killed
and counts as a hang: on a shared machine wall time says nothing. Chunks
run in ``--lanes`` parallel lanes, interleaved over targets, so a stop at
any moment leaves a balanced mix. One JSON line per finished chunk is
appended to ``--out``; chunks already there are skipped, so a stopped
campaign resumes where it stopped. ``--summary`` prints the table.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from itertools import zip_longest
from pathlib import Path
from typing import Any

SEED_BASE = 1000


def chunks(plan: str, size: int, seed_base: int = SEED_BASE) -> list[tuple[str, int, int]]:
    """(target, seed, cases) for every chunk of the plan, interleaved over targets."""
    per_target = []
    for item in plan.split(","):
        name, _, count = item.partition(":")
        total = int(count)
        rows = []
        for k in range((total + size - 1) // size):
            rows.append((name, seed_base + k, min(size, total - k * size)))
        per_target.append(rows)
    return [c for group in zip_longest(*per_target) for c in group if c is not None]


def command(target: str, seed: int, cases: int) -> list[str]:
    """The command line that runs one chunk."""
    if target == "lsp":
        return [sys.executable, "-m", "tests.server.lsp_fuzz", "--cases", str(cases),
                "--seed", str(seed)]  # fmt: skip
    return [sys.executable, "-m", "tests.fuzz", "--targets", target, "--cases", str(cases),
            "--seed", str(seed)]  # fmt: skip


def _cpu_seconds(pid: int) -> float:
    """CPU time of a running process and its waited-for children (``/proc``)."""
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return 0.0
    return sum(int(x) for x in fields[11:15]) / os.sysconf("SC_CLK_TCK")


def _watch(proc: subprocess.Popen[bytes], cpu_limit: float, wall_limit: float,
           killed: list[str]) -> None:  # fmt: skip
    started = time.monotonic()
    while proc.returncode is None:
        cpu = _cpu_seconds(proc.pid)
        if cpu > cpu_limit or time.monotonic() - started > wall_limit:
            killed.append(f"cpu {cpu:.0f} s")
            proc.kill()
            return
        time.sleep(2)


def run_chunk(
    target: str, seed: int, cases: int, limits: tuple[float, float], logdir: Path
) -> dict[str, Any]:
    """Run one chunk in a child process; its outcome, wall and CPU time.

    ``limits``: the CPU seconds, then the wall seconds, after which the
    chunk counts as hung and is killed."""
    cpu_limit, wall_limit = limits
    log = logdir / f"{target}-{seed}.log"
    started = time.monotonic()
    with log.open("w") as out:
        proc = subprocess.Popen(command(target, seed, cases), stdout=out, stderr=subprocess.STDOUT)
        # A hang is told by the CPU time the chunk burns (wall time on a
        # loaded machine says nothing); the wall limit is a last resort.
        killed: list[str] = []
        watcher = threading.Thread(
            target=_watch, args=(proc, cpu_limit, wall_limit, killed), daemon=True
        )
        watcher.start()
        # wait4 (not Popen.wait) so the child's own CPU time is known.
        _, status, usage = os.wait4(proc.pid, 0)
        proc.returncode = os.waitstatus_to_exitcode(status)
        hang = bool(killed)
    rc = os.waitstatus_to_exitcode(status)
    cpu = usage.ru_utime + usage.ru_stime
    text = log.read_text(errors="replace")
    if target == "lsp":
        findings = int(rc != 0)
    else:
        findings = len(re.findall(r"^\[\w+ #\d+\] ", text, re.MULTILINE))
    return {
        "target": target,
        "seed": seed,
        "cases": cases,
        "rc": rc,
        "hang": hang,
        "findings": findings if not hang else findings + 1,
        "traceback": "Traceback" in text,
        "wall": round(time.monotonic() - started, 1),
        "cpu": round(cpu, 1),
    }


def campaign(args: argparse.Namespace) -> None:
    """Run every chunk of the plan not yet in the results file."""
    out = Path(args.out)
    logdir = out.with_suffix(".logs")
    logdir.mkdir(parents=True, exist_ok=True)
    done = {(r["target"], r["seed"]) for r in read(out)}
    plan = chunks(args.plan, args.chunk, args.seed_base)
    todo = [c for c in plan if (c[0], c[1]) not in done]
    lock = threading.Lock()

    def lane() -> None:
        while True:
            with lock:
                if not todo:
                    return
                target, seed, cases = todo.pop(0)
            limits = (args.chunk_cpu_limit, args.chunk_wall_limit)
            row = run_chunk(target, seed, cases, limits, logdir)
            with lock, out.open("a") as f:
                f.write(json.dumps(row) + "\n")
            print(json.dumps(row), flush=True)

    threads = [threading.Thread(target=lane) for _ in range(args.lanes)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()


def read(path: Path) -> list[dict[str, Any]]:
    """The chunk rows recorded so far."""
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]


def summary(path: Path) -> str:
    """A Markdown table: per target, cases, findings, hangs, tracebacks, wall and CPU time."""
    agg: dict[str, dict[str, float]] = defaultdict(lambda: defaultdict(float))
    for r in read(path):
        a = agg[r["target"]]
        a["chunks"] += 1
        a["cases"] += r["cases"]
        a["findings"] += r["findings"]
        a["hangs"] += r["hang"]
        a["failed"] += r["rc"] != 0
        a["tracebacks"] += r["traceback"]
        a["wall"] += r["wall"]
        a["cpu"] += r["cpu"] or 0
    lines = [
        "| target | chunks | cases | findings | hangs | non-zero exits | tracebacks"
        " | wall s | CPU s |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    total: dict[str, float] = defaultdict(float)
    for name, a in agg.items():
        for k, v in a.items():
            total[k] += v
        lines.append(_row(name, a))
    lines.append(_row("**all**", total))
    return "\n".join(lines)


def _row(name: str, a: dict[str, float]) -> str:
    keys = ("chunks", "cases", "findings", "hangs", "failed", "tracebacks", "wall", "cpu")
    return f"| {name} | " + " | ".join(f"{a[k]:.0f}" for k in keys) + " |"


def main(argv: list[str] | None = None) -> int:
    """Run (or resume) a campaign, or print its summary."""
    p = argparse.ArgumentParser(prog="python -m tests.fuzz.campaign", description=__doc__)
    p.add_argument("--plan", default="parser:45000,evaluator:35000,incremental:8000,lsp:12000")
    p.add_argument("--chunk", type=int, default=500)
    p.add_argument("--chunk-cpu-limit", type=float, default=600.0, help="CPU s: a hang")
    p.add_argument("--chunk-wall-limit", type=float, default=4 * 3600.0, help="wall s: a hang")
    p.add_argument("--lanes", type=int, default=2)
    p.add_argument(
        "--seed-base", type=int, default=SEED_BASE, help="seed of each target's first chunk"
    )
    p.add_argument("--out", default="fuzz-campaign.jsonl")
    p.add_argument("--summary", action="store_true")
    args = p.parse_args(argv)
    if not args.summary:
        campaign(args)
    print(summary(Path(args.out)))
    return 0


if __name__ == "__main__":
    sys.exit(main())
