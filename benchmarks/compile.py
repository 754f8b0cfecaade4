"""Compile time (parse + resolve + diagnose) of large inputs, as a table.

    python benchmarks/compile.py [--repeat N]

Rows: the generated 10,000-line package set (``gen_packages.py``) and the
whole nixpkgs ``lib/`` tree of ``../shared/corpus``. Each time is the best
of N runs (wall clock; the last column is CPU time, which a busy machine
does not inflate). Target: under 1 s for 10,000 lines.
"""

from __future__ import annotations

import argparse
import sys
import time
from collections.abc import Callable
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

from gen_packages import generate  # noqa: E402

from evaluator.compiler import analyse  # noqa: E402
from evaluator.syntax import ParseResult, parse  # noqa: E402

LIB = HERE.parents[1] / "shared" / "corpus" / "nixpkgs-lib"


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
    return 0


if __name__ == "__main__":
    sys.exit(main())
