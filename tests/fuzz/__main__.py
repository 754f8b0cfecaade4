"""A long fuzz campaign: ``python -m tests.fuzz --cases 100000 [--seed N] [--targets …]``.

Cases are split evenly over the targets. Programs come from the grammar
(:mod:`tests.fuzz.grammar`) drawn from a seeded generator, so a run is
reproducible and every finding is printed with the program that caused it
(findings do not stop the run). Prints, per target, cases run, findings
and time; exits 1 if anything was found.
"""

from __future__ import annotations

import argparse
import random
import sys
import time
from collections import Counter

from tests.fuzz.grammar import random_program
from tests.fuzz.targets import TARGETS, Finding


def run_target(name: str, cases: int, seed: int, log: list[str]) -> tuple[int, float]:
    """Run ``cases`` cases of one target; returns (findings, seconds)."""
    rng = random.Random(f"{name}:{seed}")
    target = TARGETS[name]
    found = 0
    start = time.monotonic()
    for i in range(cases):
        text = random_program(rng)
        try:
            if name == "incremental":
                target(text, rng.randrange(1 << 30))
            else:
                target(text)
        except Finding as f:
            found += 1
            log.append(f"[{name} #{i}] {f}\n    program: {text[:2000]!r}")
            print(log[-1], file=sys.stderr, flush=True)
        if (i + 1) % 1000 == 0:
            rate = (i + 1) / (time.monotonic() - start)
            print(f"{name}: {i + 1}/{cases} ({rate:.0f}/s), {found} findings", flush=True)
    return found, time.monotonic() - start


def main(argv: list[str] | None = None) -> int:
    """Run the campaign and print the summary table."""
    p = argparse.ArgumentParser(prog="python -m tests.fuzz", description=__doc__)
    p.add_argument("--cases", type=int, default=3000, help="cases in all (split over targets)")
    p.add_argument("--seed", type=int, default=0)
    p.add_argument("--targets", default=",".join(TARGETS), help="comma-separated target names")
    args = p.parse_args(argv)
    names = [n for n in args.targets.split(",") if n]
    log: list[str] = []
    summary: Counter[str] = Counter()
    rows = []
    for name in names:
        found, seconds = run_target(name, args.cases // len(names), args.seed, log)
        summary[name] = found
        rows.append(f"| {name} | {args.cases // len(names)} | {found} | {seconds:.0f} |")
    print("| target | cases | findings | seconds |")
    print("|---|---|---|---|")
    print("\n".join(rows))
    return 1 if sum(summary.values()) else 0


if __name__ == "__main__":
    sys.exit(main())
