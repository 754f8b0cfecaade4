"""Evaluation benchmark: our evaluator against nix-instantiate on the same files.

Each workload is a Nix file evaluated with ``--eval --strict``. Our time is
the CPU time of evaluating it in-process with a fresh context and cold
compile caches (parsing and compiling included, interpreter start-up
excluded); nix-instantiate's is the CPU time (user + system) of the child
process, when it is on PATH. Prints a table and the median ratio.

    python benchmarks/eval.py [--only NAME] [--repeat N] [--profile NAME]
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from evaluator.api import Evaluator  # noqa: E402
from evaluator.vm.context import EvalContext  # noqa: E402

NIXPKGS_LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib" / "lib"

WORKLOADS: dict[str, str] = {
    "fib": """
      let fib = n: if n < 2 then n else fib (n - 1) + fib (n - 2); in fib 25
    """,
    "foldl-genList": """
      builtins.foldl' (acc: x: acc + x * 2) 0 (builtins.genList (i: i) 300000)
    """,
    "attrsets": """
      let
        n = 20000;
        names = builtins.genList (i: "key${toString i}") n;
        big = builtins.listToAttrs (map (name: { inherit name; value = name; }) names);
        merged = builtins.foldl' (acc: i: acc // { "extra${toString i}" = i; }) big
          (builtins.genList (i: i) 200);
        hits = builtins.filter (name: merged ? ${name}) names;
      in builtins.length hits + builtins.length (builtins.attrNames merged)
        + builtins.stringLength (builtins.concatStringsSep "" (map (k: merged.${k}) names))
    """,
    "strings": """
      let
        words = builtins.genList (i: "word${toString i}") 20000;
        text = builtins.concatStringsSep " " words;
        replaced = builtins.replaceStrings [ "word" "1" ] [ "w" "one" ] text;
        parts = builtins.filter builtins.isString (builtins.split " " replaced);
        subs = map (w: builtins.substring 1 3 w) parts;
      in builtins.stringLength (builtins.concatStringsSep "," subs)
    """,
    "sort": """
      let
        xs = builtins.genList (i: (i * 7919) - (i / 13) * 13 * 7919 + i) 30000;
      in builtins.elemAt (builtins.sort (a: b: a < b) xs) 15000
    """,
    "deep-recursion": """
      let sum = n: if n == 0 then 0 else n + sum (n - 1); in sum 50000
    """,
    "json-roundtrip": """
      let
        data = builtins.genList (i: {
          id = i; name = "item${toString i}"; tags = [ "a" "b" (toString i) ];
          nested = { x = i * 2; y = null; z = i / 2 == 0; };
        }) 5000;
        back = builtins.fromJSON (builtins.toJSON data);
      in builtins.length back + (builtins.elemAt back 4999).nested.x
    """,
    "lib-functions": """
      let
        lib = import LIB;
        xs = lib.range 1 3000;
        strs = map toString xs;
        attrs = lib.listToAttrs (map (s: lib.nameValuePair "k${s}" s) strs);
      in {
        a = lib.foldl' (a: b: a + b) 0 (lib.filter (x: lib.mod x 3 == 0) xs);
        b = builtins.length (lib.unique (map (x: lib.mod x 97) xs));
        c = lib.length (lib.attrNames (lib.mapAttrs (n: v: v + "!") attrs));
        d = builtins.stringLength (lib.concatMapStringsSep "," (s: lib.toUpper s) strs);
        e = lib.length (lib.flatten (map (x: [ x [ x ] ]) xs));
        f = lib.versions.majorMinor "1.2.3";
        g = builtins.length (lib.splitString "," (lib.concatStringsSep "," strs));
      }
    """,
    "lib-systems": "import LIB_TESTS_SYSTEMS",
}


def write_workloads(directory: Path) -> dict[str, Path]:
    """Write each workload as ``NAME.nix`` under ``directory``."""
    out = {}
    for name, text in WORKLOADS.items():
        text = text.replace("LIB_TESTS_SYSTEMS", str(NIXPKGS_LIB / "tests" / "systems.nix"))
        text = text.replace("LIB", str(NIXPKGS_LIB))
        path = directory / f"{name}.nix"
        path.write_text(text.strip() + "\n")
        out[name] = path
    return out


def ours(path: Path) -> tuple[float, str]:
    """CPU seconds and printed result of evaluating ``path`` here (cold caches)."""
    ev = Evaluator(EvalContext())
    start = time.process_time()
    value = ev.eval_file(str(path), strict=True)
    text = ev.render(value, strict=True)
    return time.process_time() - start, text


def nix(path: Path) -> tuple[float, str] | None:
    """CPU seconds (user + system) and output of nix-instantiate, if available."""
    exe = shutil.which("nix-instantiate")
    if exe is None:
        return None
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    proc = subprocess.run([exe, "--eval", "--strict", str(path)], capture_output=True)
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        return None
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return cpu, proc.stdout.decode().strip()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--only", action="append", help="run only these workloads")
    parser.add_argument("--repeat", type=int, default=1, help="best of N runs")
    parser.add_argument("--profile", help="profile this workload (ours) and print hot spots")
    args = parser.parse_args()
    sys.setrecursionlimit(1000)
    with tempfile.TemporaryDirectory() as tmp:
        files = write_workloads(Path(tmp))
        if args.profile:
            prof = cProfile.Profile()
            prof.runcall(ours, files[args.profile])
            stream = io.StringIO()
            pstats.Stats(prof, stream=stream).sort_stats("tottime").print_stats(30)
            print(stream.getvalue())
            return 0
        rows = []
        for name, path in files.items():
            if args.only and name not in args.only:
                continue
            best_ours = min(ours(path)[0] for _ in range(args.repeat))
            _, text = ours(path)
            theirs = [nix(path) for _ in range(args.repeat)]
            nix_times = [t[0] for t in theirs if t is not None]
            best_nix = min(nix_times) if nix_times else None
            same = theirs[0] is not None and theirs[0][1] == text
            rows.append((name, best_ours, best_nix, same))
        print(f"{'workload':<16} {'ours (s)':>9} {'nix (s)':>9} {'ratio':>7}  same output")
        ratios = []
        for name, t_ours, t_nix, same in rows:
            if t_nix:
                ratio = t_ours / max(t_nix, 0.001)
                ratios.append(ratio)
                flag = "yes" if same else "NO"
                print(f"{name:<16} {t_ours:9.3f} {t_nix:9.3f} {ratio:7.1f}  {flag}")
            else:
                print(f"{name:<16} {t_ours:9.3f} {'-':>9} {'-':>7}")
        if ratios:
            print(f"median ratio {statistics.median(ratios):.1f}, max {max(ratios):.1f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
