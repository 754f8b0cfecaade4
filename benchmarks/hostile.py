"""Hostile and huge inputs: result, wall time and peak RSS of each (issue 17).

Each case runs `nixls eval` (or `nixls parse`) in a child process, as a user
would, with `--timeout 5 --max-memory 512` where the issue used them. A
child still running after ``--limit`` seconds (or above ``--rss-cap`` MB) is
killed and reported as such. ``--tree DIR`` runs the nixls found in DIR (e.g.
an older checkout, for a before/after table).

    python benchmarks/hostile.py [--tree DIR] [--only NAME] [--limit 60]

``--server`` instead drives one language server over stdio through the same
kind of cases and prints its RSS before, at peak and after each
(:mod:`hostile_server`).
"""

from __future__ import annotations

import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
BUDGET = ["--timeout", "5", "--max-memory", "512"]
OUTPUT_CAP = 1 << 30


def _files(tmp: Path) -> dict[str, Path]:
    big = '"' + "x" * 420 + '"'
    texts = {
        "captures": f"let a = 1; b = 2; in {{ p.f = {{ enable = a; s = {big}; }}; "
        "p.f.plugins = b; }.p.f.plugins",
        "int5000": "1" * 5000,
        "select99": "{}." + ".".join(["a"] * 99) + " or 1",
        "plus40k": "+".join(["1"] * 40_000),
        "plus200kB": "+".join(["1"] * 100_000),
        "tokens2M": "[" + " 1" * 2_000_001 + " ]",
    }
    out = {}
    for name, text in texts.items():
        path = tmp / f"{name}.nix"
        path.write_text(text + "\n")
        out[name] = path
    return out


def cases(tmp: Path) -> list[tuple[str, list[str]]]:
    """(name, nixls arguments) of every case."""
    f = _files(tmp)
    ev = ["eval", "--strict", *BUDGET]
    return [
        ("deferred captures (fish.nix form)", ["eval", str(f["captures"])]),
        ("toJSON of a cyclic set", [*ev, "-E", "let s = { inherit s; }; in builtins.toJSON s"]),
        ("cyclic ==", [*ev, "-E", "let a = { x = a; }; b = { x = b; }; in a == b"]),
        ("toString of a cyclic list", [*ev, "-E", "let l = [ l ]; in toString l"]),
        ("toXML of a cyclic set", [*ev, "-E", "let s = { inherit s; }; in builtins.toXML s"]),
        (
            "length (genList 2e7)",
            [*ev, "-E", "builtins.length (builtins.genList (x: x) 20000000)"],
        ),
        (
            "deepSeq 10M small sets",
            [*ev, "-E", "builtins.deepSeq (builtins.genList (x: { a = x; }) 10000000) 1"],
        ),
        ("non-tail recursion", [*ev, "-E", "let f = x: 1 + f x; in f 1"]),
        ("5000-digit integer", ["eval", str(f["int5000"])]),
        ("99-key select-or", ["eval", str(f["select99"])]),
        ("2,000,001-token file", ["eval", *BUDGET, str(f["tokens2M"])]),
        ("40,000-term 1+1+…", ["eval", str(f["plus40k"])]),
        ("parse 200 kB 1+1+…", ["parse", str(f["plus200kB"])]),
    ]


def run_case(
    tree: Path, args: list[str], limit: float, rss_cap: int
) -> tuple[str, float, float, int]:
    """(first line of the answer, wall seconds, CPU seconds, peak RSS in MB) of one run."""
    code = "import sys; from nixls.cli import main; sys.exit(main())"
    env = {**os.environ, "PYTHONPATH": str(tree)}
    with tempfile.TemporaryFile() as out:
        start = time.monotonic()
        proc = subprocess.Popen(
            [sys.executable, "-c", code, *args],
            stdout=out,
            stderr=subprocess.STDOUT,
            env=env,
            cwd="/",  # `python -c` puts the working directory first on sys.path
        )
        killed = ""
        peak = 0
        cpu = 0.0
        reaped = False
        try:
            while True:
                pid, _, usage = os.wait4(proc.pid, os.WNOHANG)
                if pid:
                    peak = max(peak, usage.ru_maxrss // 1024)
                    cpu = usage.ru_utime + usage.ru_stime
                    reaped = True
                    break
                peak = max(peak, _rss_mb(proc.pid))
                if time.monotonic() - start > limit:
                    killed = f"no answer in {limit:.0f} s"
                elif peak > rss_cap:
                    killed = f"killed above {rss_cap} MB"
                elif os.fstat(out.fileno()).st_size > OUTPUT_CAP:
                    killed = f"killed after writing {OUTPUT_CAP >> 20} MB"
                if killed:
                    proc.send_signal(signal.SIGKILL)
                    usage = os.wait4(proc.pid, 0)[2]
                    cpu = usage.ru_utime + usage.ru_stime
                    reaped = True
                    break
                time.sleep(0.05)
        finally:
            if not reaped:
                proc.kill()
                os.wait4(proc.pid, 0)
        wall = time.monotonic() - start
        out.seek(0)
        data = out.read()
    if killed:
        return killed, wall, cpu, peak
    lines = data.decode(errors="replace").splitlines() or [""]
    first = lines[0] if len(lines[0]) <= 70 else lines[0][:67] + "..."
    result = f"{first} [{len(data)} bytes]" if args[0] == "parse" else first
    return result, wall, cpu, peak


def _rss_mb(pid: int) -> int:
    try:
        pages = int(Path(f"/proc/{pid}/statm").read_text().split()[1])
    except (OSError, ValueError, IndexError):
        return 0
    return pages * os.sysconf("SC_PAGE_SIZE") // (1024 * 1024)


def main() -> None:
    """Print the table."""
    if "--server" in sys.argv[1:]:
        sys.path.insert(0, str(Path(__file__).resolve().parent))
        from hostile_server import main as server_main

        sys.exit(server_main([a for a in sys.argv[1:] if a != "--server"]))
    p = argparse.ArgumentParser(description=__doc__)
    p.add_argument("--tree", type=Path, default=ROOT)
    p.add_argument("--only", default=None)
    p.add_argument("--limit", type=float, default=60)
    p.add_argument("--rss-cap", type=int, default=4096)
    a = p.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        print(f"| case | result | wall s | CPU s | peak RSS MB |  (tree: {a.tree})")
        print("|---|---|---|---|---|")
        for name, args in cases(Path(tmp)):
            if a.only and a.only not in name:
                continue
            result, wall, cpu, peak = run_case(a.tree, args, a.limit, a.rss_cap)
            cells = [name, result.replace("|", "/"), f"{wall:.1f}", f"{cpu:.1f}", str(peak)]
            print("| " + " | ".join(cells) + " |", flush=True)


if __name__ == "__main__":
    main()
