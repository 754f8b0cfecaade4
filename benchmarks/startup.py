"""Start-up: ``nixls eval -E 1``, ``nixls check FILE``, `import` of nixpkgs lib
and the server's ``initialize`` against C++ Nix, and what the commands import.

Each command runs as a whole process ``--repeat`` times (default 5); the
table shows the least CPU (user + system) and the median wall time, beside
C++ Nix 2.26.3 doing the nearest thing (``nix-instantiate --eval -E 1``;
``nix-instantiate --parse FILE`` for ``check``) when ``nix226-instantiate``
is installed. ``eval`` rows run with a fresh cache directory filled by one
unmeasured run first (*warm*, nixls's everyday case) and, in the ``cold``
rows, with an empty one each time. The ``initialize`` row starts the
server on stdio and measures from the start of the process to the reply
to ``initialize`` (its CPU up to then: the server is killed at the reply).
Then, from ``python -X importtime``, what each nixls command imports:
modules per top-level package with their import time, the slowest
modules, and the packages a command-line run should not need (the LSP
stack, asyncio, lark at run time).

Python's bytecode cache is used as an installed nixls uses it (the
children run without ``PYTHONDONTWRITEBYTECODE``, after one run that
writes it): without it every run compiles nixls from source first.

    python benchmarks/startup.py [--repeat N] [--file FILE] [--top N]
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections import defaultdict
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import measure  # noqa: E402
from eval_workloads import LIB_2611  # noqa: E402
from gen_packages import generate  # noqa: E402

# Imported by a CLI run, these are start-up spent on something it never uses.
NOT_NEEDED = ("pygls", "lsprotocol", "cattrs", "attrs", "asyncio", "lark", "concurrent")


@dataclass(frozen=True)
class Imported:
    """One line of ``-X importtime``."""

    name: str
    self_us: int
    cumulative_us: int


def child_env(cache_dir: Path | None = None) -> dict[str, str]:
    """A nixls child's environment, with Python's bytecode cache on."""
    env = measure.nixls_env(cache_dir)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    return env


def importtime(args: list[str], env: dict[str, str]) -> list[Imported]:
    """The modules ``nixls ARGS`` imports, in import order."""
    cmd = [sys.executable, "-X", "importtime", "-m", "nixls", *args]
    result = measure.run(cmd, env=env)
    found = []
    for line in result.stderr.splitlines():
        if not line.startswith("import time:") or "self [us]" in line:
            continue
        head, cumulative, name = line.split("|")
        found.append(Imported(name.strip(), int(head.split(":")[1]), int(cumulative)))
    return found


def time_command(
    cmd: list[str], repeat: int, env: dict[str, str] | None, cold: Path | None = None
) -> tuple[float, float]:
    """(least CPU, median wall) of ``repeat`` runs; raises if a run fails.
    ``cold``: a cache directory emptied before each run."""
    runs = []
    for _ in range(repeat):
        if cold is not None:
            shutil.rmtree(cold, ignore_errors=True)
        runs.append(measure.run(cmd, env=env))
    for r in runs:
        if not r.ok:
            raise SystemExit(f"{' '.join(cmd)} failed: {r.error_line()}")
    return min(r.cpu for r in runs), statistics.median(r.wall for r in runs)


def _frame(message: dict[str, object]) -> bytes:
    body = json.dumps(message).encode()
    return b"Content-Length: %d\r\n\r\n%s" % (len(body), body)


def initialize_once(env: dict[str, str]) -> tuple[float, float]:
    """(CPU, wall) from starting ``nixls`` (stdio) to its reply to ``initialize``."""
    start = time.perf_counter()
    proc = subprocess.Popen(
        measure.nixls_cmd(),
        env=env,
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        stderr=subprocess.DEVNULL,
    )
    assert proc.stdin is not None and proc.stdout is not None
    params = {"processId": None, "rootUri": None, "capabilities": {}}
    proc.stdin.write(_frame({"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": params}))
    proc.stdin.flush()
    while True:
        header = b""
        while not header.endswith(b"\r\n\r\n"):
            byte = proc.stdout.read(1)
            if not byte:
                raise SystemExit("the server exited before answering initialize")
            header += byte
        length = next(
            int(line.split(b":")[1])
            for line in header.split(b"\r\n")
            if line.lower().startswith(b"content-length")
        )
        if json.loads(proc.stdout.read(length)).get("id") == 1:
            break
    wall = time.perf_counter() - start
    proc.kill()
    _, _, usage = os.wait4(proc.pid, 0)
    proc.returncode = -9  # reaped above
    return usage.ru_utime + usage.ru_stime, wall


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


def _row(label: str, cpu: float, wall: float, n_cpu: float | None, n_wall: float | None) -> None:
    print(
        f"{label:<24}{cpu:>10.3f}{wall:>8.3f}{measure.fmt(n_cpu, '.3f'):>9}"
        f"{measure.fmt(n_wall, '.3f'):>8}{measure.fmt(measure.ratio(cpu, n_cpu), '.1f'):>7}"
        f"{measure.fmt(measure.ratio(wall, n_wall), '.1f'):>8}"
    )


def main() -> int:
    """Parse arguments, time the commands, print the tables."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--repeat", type=int, default=5)
    parser.add_argument("--file", type=Path, help="file for `check` (default: generated)")
    parser.add_argument("--top", type=int, default=10)
    args = parser.parse_args()
    nix = measure.nix_exe()
    with tempfile.TemporaryDirectory(prefix="nixls-startup-") as tmp:
        env = child_env(Path(tmp) / "warm")
        cold_dir = Path(tmp) / "cold"
        cold_env = child_env(cold_dir)
        small = Path(tmp) / "small.nix"
        small.write_text('{ pkgs ? { }, name ? "hello" }: { greeting = "hi ${name}"; }\n')
        lib = Path(tmp) / "lib-version.nix"
        lib.write_text(f"(import {LIB_2611 / 'lib'}).version\n")
        big = args.file or Path(tmp) / "packages.nix"
        if args.file is None:
            big.write_text(generate(10000))
        cases = [
            ("eval -E 1", ["eval", "-E", "1"], ["--eval", "-E", "1"], None),
            ("eval -E 1 (cold)", ["eval", "-E", "1"], None, cold_dir),
            ("lib.version", ["eval", str(lib)], ["--eval", str(lib)], None),
            ("lib.version (cold)", ["eval", str(lib)], None, cold_dir),
            ("check small file", ["check", str(small)], ["--parse", str(small)], None),
            (f"check {big.name}", ["check", str(big)], ["--parse", str(big)], None),
        ]
        for _, ours_args, _, _ in cases:  # bytecode and the warm cache written
            measure.run(measure.nixls_cmd(*ours_args), env=env)
        print(
            f"{'command':<24}{'nixls cpu':>10}{'wall':>8}{'nix cpu':>9}{'wall':>8}"
            f"{'x cpu':>7}{'x wall':>8}"
        )
        nix_times: dict[str, tuple[float, float]] = {}
        for label, ours_args, nix_args, cold in cases:
            run_env = cold_env if cold is not None else env
            cpu, wall = time_command(measure.nixls_cmd(*ours_args), args.repeat, run_env, cold)
            key = " ".join(ours_args)
            if nix is not None and nix_args is not None:
                nix_times[key] = time_command([nix, *nix_args], args.repeat, None)
            n_cpu, n_wall = nix_times.get(key, (None, None))
            _row(label, cpu, wall, n_cpu, n_wall)
        inits = [initialize_once(env) for _ in range(args.repeat)]
        _row(
            "serve: initialize reply",
            min(c for c, _ in inits),
            statistics.median(w for _, w in inits),
            None,
            None,
        )
        bare = measure.run([sys.executable, "-c", "pass"], env=env)
        print(f"(python -c pass: {bare.cpu:.3f} s CPU, {bare.wall:.3f} s wall)")
        for label, ours_args, _, _ in cases[:1] + cases[4:5]:
            print_imports(f"nixls {label}", importtime(ours_args, env), args.top)
    return 0


if __name__ == "__main__":
    sys.exit(main())
