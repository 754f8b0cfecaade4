"""Compile time (parse + resolve + diagnose) of large inputs, as a table.

    python benchmarks/compile.py [--repeat N]

Rows: the generated 10,000-line package set (``gen_packages.py``) and the
whole nixpkgs ``lib/`` tree of ``tests/data/corpus``. Each time is the best
of N runs (wall clock; the last column is CPU time, which a busy machine
does not inflate). Target: under 1 s for 10,000 lines.

A second table times what the language server does on each keystroke in
the 10,000-line file (the edit of ``lsp.py``: a space typed at the end of a
middle line, then deleted): the incremental re-parse, the incremental
re-analysis with its diagnostics, and for comparison a whole analysis of
the edited tree. Medians of CPU time per edit.
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from gen_packages import generate  # noqa: E402

from evaluator.compiler import analyse  # noqa: E402
from evaluator.compiler.incremental import apply_edit, reanalyse  # noqa: E402
from evaluator.syntax import ParseResult, parse  # noqa: E402
from evaluator.syntax.document import Document  # noqa: E402

LIB = HERE.parents[1] / "tests" / "data" / "corpus" / "nixpkgs-lib"


def _best(repeat: int, fn: Callable[[], object]) -> tuple[float, float]:
    """Best wall-clock and best CPU time of ``repeat`` runs."""
    best_wall = best_cpu = float("inf")
    for _ in range(repeat):
        wall, cpu = time.perf_counter(), time.process_time()
        fn()
        best_wall = min(best_wall, time.perf_counter() - wall)
        best_cpu = min(best_cpu, time.process_time() - cpu)
    return best_wall, best_cpu


Row = tuple[str, int, int, tuple[float, float], tuple[float, float]]


def measure(name: str, sources: list[bytes], repeat: int) -> Row:
    """(name, files, lines, parse (wall, cpu), resolve+diagnose (wall, cpu)) in seconds."""
    parsed: list[ParseResult] = []

    def do_parse() -> None:
        parsed[:] = [parse(s) for s in sources]

    def do_analyse() -> None:
        for result in parsed:
            analyse(result)

    t_parse = _best(repeat, do_parse)
    t_analyse = _best(repeat, do_analyse)
    lines = sum(s.count(b"\n") for s in sources)
    return name, len(sources), lines, t_parse, t_analyse


def measure_edits(source: bytes, edits: int) -> tuple[float, float, float, int]:
    """Median CPU seconds per edit: (re-parse, re-analysis + diagnostics,
    whole analysis + diagnostics of the same text), and how many edits were
    re-analysed incrementally."""
    doc = Document(source)
    analysis = analyse(doc.result)
    lines = source.split(b"\n")
    middle = len(lines) // 2
    at = sum(len(line) + 1 for line in lines[:middle]) + len(lines[middle])
    parse_t, inc_t, full_t = [], [], []
    incremental = 0
    for i in range(edits):
        t0 = time.process_time()
        splice = apply_edit(doc, at, at + i % 2, b"" if i % 2 else b" ")
        t1 = time.process_time()
        updated = reanalyse(analysis, doc.result, splice) if splice is not None else None
        if updated is not None:
            updated.diagnostics  # noqa: B018 - what the server publishes
            incremental += 1
        t2 = time.process_time()
        fresh = parse(doc.source)  # (not timed)
        t3 = time.process_time()
        analyse(fresh)
        t4 = time.process_time()
        analysis = updated if updated is not None else analyse(doc.result)
        parse_t.append(t1 - t0)
        inc_t.append(t2 - t1)
        full_t.append(t4 - t3)
    return (
        statistics.median(parse_t),
        statistics.median(inc_t),
        statistics.median(full_t),
        incremental,
    )


def main(argv: list[str] | None = None) -> int:
    """Print the table."""
    ap = argparse.ArgumentParser(description=__doc__)
    ap.add_argument("--repeat", type=int, default=3)
    args = ap.parse_args(argv)
    parse(b"1")  # load the parser tables outside the timings
    rows = [measure("generated package set", [generate(10000).encode()], args.repeat)]
    lib_files = sorted(LIB.rglob("*.nix"))
    if lib_files:
        rows.append(measure("nixpkgs lib/ tree", [p.read_bytes() for p in lib_files], args.repeat))
    header = (
        f"{'input':<24}{'files':>6}{'lines':>8}{'parse':>10}{'resolve+diag':>14}"
        f"{'total':>10}{'total cpu':>11}"
    )
    print(header)
    print("-" * len(header))
    for name, files, lines, (p_wall, p_cpu), (a_wall, a_cpu) in rows:
        print(
            f"{name:<24}{files:>6}{lines:>8}{p_wall * 1000:>8.0f}ms{a_wall * 1000:>12.0f}ms"
            f"{(p_wall + a_wall) * 1000:>8.0f}ms{(p_cpu + a_cpu) * 1000:>9.0f}ms"
        )
    print("(best of N runs; wall-clock unless marked cpu: process time, robust to a busy machine)")
    print()
    edits = max(10, 10 * args.repeat)
    p, inc, full, n_inc = measure_edits(generate(10000).encode(), edits)
    print(f"one-character edit, 10,000 lines ({edits} edits, median cpu per edit):")
    print(f"  incremental re-parse               {p * 1000:8.1f} ms")
    print(f"  incremental re-analysis + diagnose {inc * 1000:8.1f} ms  ({n_inc}/{edits} edits)")
    print(f"  whole analysis + diagnose          {full * 1000:8.1f} ms  (what it replaces)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
