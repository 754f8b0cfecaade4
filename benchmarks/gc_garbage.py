"""Cyclic garbage: peak memory and CPU of `nixls eval` on evaluations that make it.

Two generated files, each a fold over a million numbers whose every step
builds (and drops) a recursive set with unforced thunks, a cycle only the
cyclic collector frees: ``cycles`` alone, and ``cycles+imports``, which also
imports one of 2,000 small files every 512 steps (each import is a front-end
block, where the one-shot collector policy freezes what is alive). Rows:
nixls cold (a fresh cache), nixls warm (the cache of the cold run), C++ Nix.
The modules of home-manager and ``benchmarks/eval.py`` make almost no cyclic
garbage; these rows show what the policy does when an evaluation does.

    python benchmarks/gc_garbage.py [--repeat N]
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import measure  # noqa: E402
from measure import Run, fmt  # noqa: E402

STEP = "(rec { a = i; b = a + 1; c = _: b + d; d = c 0; }).b"
CYCLES = f"""let
  f = i: {STEP};
in builtins.foldl' (acc: i: acc + f i) 0 (builtins.genList (x: x) 1000000)
"""
IMPORTS = f"""let
  f = i: {STEP};
  imp = i: if builtins.bitAnd i 511 == 0
    then import (./files + "/f${{toString (i / 512)}}.nix") 0 else 0;
in builtins.foldl' (acc: i: acc + f i + imp i) 0 (builtins.genList (x: x) 1000000)
"""


def write(directory: Path) -> dict[str, Path]:
    """The workloads' files under ``directory``, by row name."""
    files = directory / "files"
    files.mkdir()
    for i in range(2000):
        (files / f"f{i}.nix").write_text(f"x: x + {i}\n")
    (directory / "cycles.nix").write_text(CYCLES)
    (directory / "imports.nix").write_text(IMPORTS)
    return {"cycles": directory / "cycles.nix", "cycles+imports": directory / "imports.nix"}


def least(runs: list[Run]) -> Run:
    """The successful run with the least CPU."""
    return min(runs, key=lambda r: (not r.ok, r.cpu))


def rows(name: str, path: Path, repeat: int) -> list[str]:
    """nixls cold, nixls warm and C++ Nix on ``path`` (least CPU of ``repeat``)."""
    cold, warm, nix = [], [], []
    cmd = measure.nixls_cmd("eval", "--strict", str(path))
    exe = measure.nix_exe()
    for i in range(repeat):
        cache = path.parent / f"cache-{name}-{i}"
        cache.mkdir()
        cold.append(measure.run(cmd, cwd=path.parent, env=measure.nixls_env(cache)))
        warm.append(measure.run(cmd, cwd=path.parent, env=measure.nixls_env(cache)))
        if exe is not None:
            nix.append(measure.run([exe, "--eval", "--strict", str(path)], cwd=path.parent))
    lines = []
    for who, runs in (("nixls cold", cold), ("nixls warm", warm), ("nix 2.26.3", nix)):
        if runs:
            r = least(runs)
            value = r.stdout.strip() if r.ok else "FAILED: " + r.error_line()
            lines.append(f"{name:<16} {who:<11} {fmt(r.cpu):>7} {fmt(r.rss_mb, '.0f'):>7}  {value}")
    return lines


def main() -> int:
    """Run the rows and print the table."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=1)
    args = parser.parse_args()
    print(f"{'workload':<16} {'who':<11} {'cpu s':>7} {'rss MB':>7}  value")
    with tempfile.TemporaryDirectory(prefix="nixls-gc-") as tmp:
        for name, path in write(Path(tmp)).items():
            print("\n".join(rows(name, path, args.repeat)), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
