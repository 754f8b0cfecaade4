"""Start-up: ``nixls eval -E 1`` and ``nixls check FILE`` against C++ Nix, and what they import.

Each command runs as a whole process ``--repeat`` times (default 5); the
table shows the least CPU (user + system) and the median wall time, beside
C++ Nix 2.26.3 doing the nearest thing (``nix-instantiate --eval -E 1``;
``nix-instantiate --parse FILE`` for ``check``) when ``nix226-instantiate``
is installed. Then, from ``python -X importtime``, what each nixls command
imports: modules per top-level package with their import time, the
slowest modules, and the packages a command-line run should not need
(the LSP stack, asyncio, lark at run time).

    python benchmarks/startup.py [--repeat N] [--file FILE] [--top N]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import measure  # noqa: E402
from gen_packages import generate  # noqa: E402

# Imported by a CLI run, these are start-up spent on something it never uses.
NOT_NEEDED = ("pygls", "lsprotocol", "cattrs", "attrs", "asyncio", "lark", "concurrent")


@dataclass(frozen=True)
class Imported:
    """One line of ``-X importtime``."""

    name: str
    self_us: int
    cumulative_us: int


def importtime(args: list[str]) -> list[Imported]:
    """The modules ``nixls ARGS`` imports, in import order."""
    cmd = [sys.executable, "-X", "importtime", "-m", "nixls", *args]
    result = measure.run(cmd, env=measure.nixls_env())
    found = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        head, cumulative, name = line.split("|")
        found.append(Imported(name.strip(), int(head.split(":")[1]), int(cumulative)))
    return found


def time_command(cmd: list[str], repeat: int, env: dict[str, str] | None) -> tuple[float, float]:
    """(least CPU, median wall) of ``repeat`` runs; raises if a run fails."""
    runs = [measure.run(cmd, env=env) for _ in range(repeat)]
    for r in runs:
        if not r.ok:
            raise SystemExit(f"{' '.join(cmd)} failed: {r.error_line()}")
    return min(r.cpu for r in runs), statistics.median(r.wall for r in runs)


def print_imports(label: str, modules: list[Imported], top: int) -> None:
    """Packages, their module counts and self time; the slowest modules."""
    per_package: dict[str, list[Imported]] = defaultdict(list)
    for m in modules:
        per_package[m.name.split(".")[0]].append(m)
    total = sum(m.self_us for m in modules) / 1000
    print(f"\n{label}: {len(modules)} modules imported, {total:.0f} ms of import time")
    ranked = sorted(per_package.items(), key=lambda kv: -sum(m.self_us for m in kv[1]))
    for package, mods in ranked[:top]:
        ms = sum(m.self_us for m in mods) / 1000
        print(f"  {package:<24}{len(mods):>4} modules {ms:>8.1f} ms")
    unneeded = [p for p in NOT_NEEDED if p in per_package]
    print(f"  not needed by the CLI but imported: {', '.join(unneeded) or 'none'}")
    slow = sorted(modules, key=lambda m: -m.self_us)[:top]
    print(
        "  slowest modules (self): "
        + ", ".join(f"{m.name} {m.self_us / 1000:.0f} ms" for m in slow)
    )


def main() -> int:
    """Parse arguments, time the commands, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--file", type=Path, help="file for `check` (default: generated)")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    nix = measure.nix_exe()
    env = measure.nixls_env()
    with tempfile.TemporaryDirectory(prefix="nixls-startup-") as tmp:
        small = Path(tmp) / "small.nix"
        small.write_text('{ pkgs ? { }, name ? "hello" }: { greeting = "hi ${name}"; }\n')
        big = args.file or Path(tmp) / "packages.nix"
        if args.file is None:
            big.write_text(generate(10000))
        cases = [
            ("eval -E 1", ["eval", "-E", "1"], ["--eval", "-E", "1"]),
            ("check small file", ["check", str(small)], ["--parse", str(small)]),
            (f"check {big.name}", ["check", str(big)], ["--parse", str(big)]),
        ]
        print(
            f"{'command':<24}{'nixls cpu':>10}{'wall':>8}{'nix cpu':>9}{'wall':>8}"
            f"{'x cpu':>7}{'x wall':>8}"
        )
        for label, ours_args, nix_args in cases:
            cpu, wall = time_command(measure.nixls_cmd(*ours_args), args.repeat, env)
            n_cpu = n_wall = None
            if nix is not None:
                n_cpu, n_wall = time_command([nix, *nix_args], args.repeat, None)
            print(
                f"{label:<24}{cpu:>10.3f}{wall:>8.3f}{measure.fmt(n_cpu, '.3f'):>9}"
                f"{measure.fmt(n_wall, '.3f'):>8}{measure.fmt(measure.ratio(cpu, n_cpu), '.1f'):>7}"
                f"{measure.fmt(measure.ratio(wall, n_wall), '.1f'):>8}"
            )
        bare = measure.run([sys.executable, "-c", "pass"])
        print(f"(python -c pass: {bare.cpu:.3f} s CPU, {bare.wall:.3f} s wall)")
        for label, ours_args, _ in cases[:2]:
            print_imports(f"nixls {label}", importtime(ours_args), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
