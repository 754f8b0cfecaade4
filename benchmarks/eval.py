"""Evaluation benchmark: nixls against C++ Nix on the same files, whole process.

Every row runs ``nixls eval --strict ARGS`` and ``nix226-instantiate --eval
--strict ARGS`` (C++ Nix 2.26.3; ``$NIX_INSTANTIATE`` picks another; the
Nix columns stay empty when it is missing) as child processes, cold: a fresh
``XDG_CACHE_HOME`` per nixls run, interpreter start-up, parsing and
compilation included. CPU is user + system time of the child, wall is its
elapsed time; the ratios are nixls / Nix, with the median and worst at the
bottom. On a shared machine, trust CPU over wall.

``--warm`` adds the warm columns: a second nixls run with the cache
directory the cold run left behind, where `nixls eval` stored the files it
compiled (``evaluator/cache``): warm measures evaluation without the
front-end. The workloads
are in ``eval_workloads.py``; ``docs/performance.md`` has a measured table.

    python benchmarks/eval.py [--only NAME]... [--family F]... [--repeat N] [--warm]
    python benchmarks/eval.py --profile NAME [--sort tottime|cumulative] [--limit N]
    python benchmarks/eval.py --list
"""

from __future__ import annotations

import argparse
import cProfile
import io
import os
import pstats
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path[:0] = [str(HERE.parent), str(HERE)]

import measure  # noqa: E402
from eval_workloads import Prepared, Workload, workloads  # noqa: E402
from measure import Run, fmt, ratio  # noqa: E402


@dataclass
class Row:
    """The measurements of one workload."""

    workload: Workload
    prepared: Prepared
    cold: Run
    warm: Run | None
    nix: Run | None

    @property
    def same(self) -> str:
        """Whether both printed the same value (``-`` without C++ Nix)."""
        if self.nix is None or not self.nix.ok:
            return "-"
        return "yes" if self.cold.stdout.strip() == self.nix.stdout.strip() else "NO"


def run_nixls(prep: Prepared, cache: Path) -> Run:
    """One nixls run of ``prep`` with ``cache`` as its cache home."""
    cmd = measure.nixls_cmd("eval", "--strict", *prep.args)
    return measure.run(cmd, cwd=prep.cwd, env=measure.nixls_env(cache))


def run_nix(prep: Prepared) -> Run | None:
    """One C++ Nix run of ``prep``, or None without C++ Nix."""
    exe = measure.nix_exe()
    if exe is None:
        return None
    return measure.run([exe, "--eval", "--strict", *prep.args], cwd=prep.cwd)


def best(runs: list[Run]) -> Run:
    """The run with the least CPU (the least disturbed by other processes)."""
    return min(runs, key=lambda r: (not r.ok, r.cpu))


def measure_row(w: Workload, tmp: Path, repeat: int, warm: bool) -> Row:
    """Run one workload ``repeat`` times each way."""
    prep = w.prepare(tmp)
    colds, warms, nixes = [], [], []
    for i in range(repeat):
        cache = tmp / f"cache-{w.name}-{i}"
        cache.mkdir()
        colds.append(run_nixls(prep, cache))
        if warm:
            warms.append(run_nixls(prep, cache))
        nix = run_nix(prep)
        if nix is not None:
            nixes.append(nix)
    return Row(w, prep, best(colds), best(warms) if warms else None, best(nixes) if nixes else None)


def _cells(ours: Run, nix: Run | None) -> list[str]:
    if not ours.ok:
        return [fmt(ours.cpu), fmt(ours.wall), "", "", "failed"]
    nix_ok = nix is not None and nix.ok
    return [
        fmt(ours.cpu),
        fmt(ours.wall),
        fmt(ratio(ours.cpu, nix.cpu if nix_ok and nix else None), ".1f"),
        fmt(ratio(ours.wall, nix.wall if nix_ok and nix else None), ".1f"),
        "",
    ]


def print_table(rows: list[Row], warm: bool) -> None:
    """The table, then median and worst ratios and the failures."""
    head = ["workload", "lib", "nixls cpu", "wall", "nix cpu", "wall", "x cpu", "x wall"]
    if warm:
        head += ["warm cpu", "wall", "x cpu"]
    head += ["rss MB", "nix MB", "same"]
    print(f"{head[0]:<18}  {head[1]:<6}  " + "  ".join(f"{h:>9}" for h in head[2:]))
    cpu_r: list[float] = []
    wall_r: list[float] = []
    warm_r: list[float] = []
    notes = []
    for row in rows:
        nix = row.nix if row.nix is not None and row.nix.ok else None
        cold = _cells(row.cold, nix)
        cells = [cold[0], cold[1], fmt(nix.cpu if nix else None), fmt(nix.wall if nix else None)]
        cells += [cold[2], cold[3]]
        if row.cold.ok and nix:
            cpu_r.append(row.cold.cpu / max(nix.cpu, 0.001))
            wall_r.append(row.cold.wall / max(nix.wall, 0.001))
        if warm:
            assert row.warm is not None
            wc = _cells(row.warm, nix)
            cells += [wc[0], wc[1], wc[2]]
            if row.warm.ok and nix:
                warm_r.append(row.warm.cpu / max(nix.cpu, 0.001))
        cells += [fmt(row.cold.rss_mb, ".0f"), fmt(nix.rss_mb if nix else None, ".0f")]
        cells.append(cold[4] or row.same)
        print(
            f"{row.workload.name:<18}  {row.workload.lib:<6}  "
            + "  ".join(f"{c:>9}" for c in cells)
        )
        if not row.cold.ok:
            notes.append(f"  {row.workload.name}: nixls failed: {row.cold.error_line()}")
        if row.nix is not None and not row.nix.ok:
            notes.append(f"  {row.workload.name}: C++ Nix failed: {row.nix.error_line()}")
        if row.same == "NO" and row.cold.ok:
            notes.append(
                f"  {row.workload.name}: outputs differ: nixls {row.cold.stdout.strip()[:60]!r}"
                f" vs nix {row.nix.stdout.strip()[:60] if row.nix else ''!r}"
            )
        if row.prepared.size and row.cold.ok:
            mb = row.prepared.size / 1e6
            notes.append(
                f"  {row.workload.name}: {mb:.1f} MB, nixls {mb / row.cold.cpu:.2f} MB/s CPU"
                + (f", C++ Nix {mb / nix.cpu:.1f} MB/s CPU" if nix else "")
            )
    print(measure.summary("cold CPU ratio", cpu_r))
    print(measure.summary("cold wall ratio", wall_r))
    if warm:
        print(measure.summary("warm CPU ratio", warm_r))
    for note in notes:
        print(note)


def profile(w: Workload, sort: str, limit: int) -> None:
    """cProfile nixls evaluating ``w`` in this process (cold compile caches)."""
    from evaluator.api import Evaluator
    from evaluator.vm.context import EvalContext

    with tempfile.TemporaryDirectory() as tmp:
        prep = w.prepare(Path(tmp))
        if any(a.startswith("--") for a in prep.args):
            sys.exit(f"--profile does not pass arguments; {w.name} needs {prep.args}")
        os.chdir(prep.cwd)
        # CPU time, not wall: on a shared machine waiting for a core is not a hot spot.
        prof = cProfile.Profile(time.process_time)
        start = time.process_time()
        prof.enable()
        ev = Evaluator(EvalContext())
        text = ev.render(ev.eval_file(str(prep.cwd / prep.args[0]), strict=True), strict=True)
        prof.disable()
        print(f"{w.name}: {text[:100]} in {time.process_time() - start:.2f} s CPU (profiled)")
        stream = io.StringIO()
        stats = pstats.Stats(prof, stream=stream)
        stats.sort_stats(sort).print_stats(limit)
        print(stream.getvalue())
        print_nix_functions(stats, limit)


def _nix_names() -> dict[tuple[str, int, str], str]:
    """(file, first line, name) of generated code -> the Nix source it came from."""
    from evaluator.vm.frames import CODE_INFO

    names = {}
    for code, info in list(CODE_INFO.items()):
        where = "?"
        if info.span is not None:
            source, start, _ = info.span
            line, col = source.line_col(start)
            where = f"{Path(source.location_name).name}:{line}:{col}"
        label = f"{where} {info.description or ''}".strip()
        names[(code.co_filename, code.co_firstlineno, code.co_name)] = label
    return names


def print_nix_functions(stats: pstats.Stats, limit: int) -> None:
    """Generated code by self CPU time, named by the Nix function or thunk it runs."""
    names = _nix_names()
    rows = []
    total = 0.0
    for key, (_, calls, self_time, cumulative, _) in stats.stats.items():  # type: ignore[attr-defined]
        total += self_time
        if key[0].startswith("<nix "):
            rows.append((self_time, cumulative, calls, names.get(key, f"{key[0]} {key[2]}")))
    rows.sort(reverse=True)
    print(
        f"generated code (Nix functions and thunks): {sum(r[0] for r in rows):.2f} s self"
        f" of {total:.2f} s"
    )
    print(f"{'self s':>8} {'cum s':>8} {'calls':>9}  Nix source")
    for self_time, cumulative, calls, label in rows[:limit]:
        print(f"{self_time:8.3f} {cumulative:8.3f} {calls:9d}  {label[:100]}")


def main() -> int:
    """Parse arguments; run the rows or the profile."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--only", action="append", help="run only these workloads")
    parser.add_argument("--family", action="append", help="run only these families")
    parser.add_argument("--repeat", type=int, default=1, help="least-CPU run of N")
    parser.add_argument("--warm", action="store_true", help="add the warm-cache columns")
    parser.add_argument("--list", action="store_true", help="list the workloads")
    parser.add_argument("--profile", metavar="NAME", help="cProfile this workload in-process")
    parser.add_argument("--sort", default="tottime", help="pstats order for --profile")
    parser.add_argument("--limit", type=int, default=40, help="rows of --profile output")
    args = parser.parse_args()
    table = workloads()
    if args.list:
        for w in table:
            print(f"{w.name:<20} {w.family:<12} lib {w.lib}")
        return 0
    if args.profile:
        (w,) = [w for w in table if w.name == args.profile]
        profile(w, args.sort, args.limit)
        return 0
    chosen = [
        w
        for w in table
        if (not args.only or w.name in args.only) and (not args.family or w.family in args.family)
    ]
    if measure.nix_exe() is None:
        print("C++ Nix (nix226-instantiate) not found: nixls columns only")
    # One throw-away run first: the rows should not pay for a cold page cache.
    measure.run(measure.nixls_cmd("eval", "-E", "1"), env=measure.nixls_env())
    rows = []
    with tempfile.TemporaryDirectory(prefix="nixls-bench-") as tmp:
        for w in chosen:
            rows.append(measure_row(w, Path(tmp), args.repeat, args.warm))
            print(f"  measured {w.name}", file=sys.stderr, flush=True)
    print_table(rows, args.warm)
    return 0


if __name__ == "__main__":
    sys.exit(main())
