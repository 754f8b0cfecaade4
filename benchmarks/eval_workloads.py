"""The workloads of ``eval.py``: what is evaluated, from where, with which lib.

Three families:

- small inline expressions (the original rows: arithmetic, builtins,
  attribute sets, strings, sorting, deep recursion, JSON, lib functions);
- nixpkgs lib's own test suites, run from the corpus copy in the repository;
- held-out workloads generated at run time: a large ``lib.evalModules``
  (``gen_modules.py``), overlays on a fixpoint package set
  (``gen_overlays.py``) and two parse-bound files of megabytes (nixpkgs lib
  concatenated; a generated package set) whose bulk is never forced.

Each workload names the lib it uses: nixpkgs lib 26.11 where nixls
evaluates it, the 2025 lib (``nixpkgs-lib``) where 26.11 does not evaluate
in nixls yet (``misc.nix`` needs ``builtins.readFileType``); the 26.11 row
of the same suite is kept, so it starts counting once it passes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import gen_modules
import gen_overlays
from gen_packages import generate as generate_packages

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "tests" / "data" / "corpus"
LIB_2025 = CORPUS / "nixpkgs-lib"
LIB_2611 = CORPUS / "nixpkgs-lib-26.11"
LIBS = {"2025": LIB_2025, "26.11": LIB_2611}
PARSE_BOUND_BYTES = 4_700_000
SYSTEMS = "lib/tests/systems.nix"
CHECK_EVAL = "lib/tests/check-eval.nix"


@dataclass(frozen=True)
class Prepared:
    """A workload ready to run: ``nix-instantiate --eval --strict ARGS`` in ``cwd``."""

    args: list[str]
    cwd: Path
    size: int = 0  # bytes of source, for the parse-bound rows (MB/s)


@dataclass(frozen=True)
class Workload:
    """One row of the table."""

    name: str
    family: str
    lib: str  # "2025", "26.11" or "-"
    prepare: Callable[[Path], Prepared] = field(repr=False)


INLINE: dict[str, str] = {
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
    "lib-import": "(import LIB).version",
}


def _inline(name: str, lib: str) -> Callable[[Path], Prepared]:
    def prepare(tmp: Path) -> Prepared:
        text = INLINE[name].replace("LIB", str(LIBS[lib] / "lib") if lib in LIBS else "LIB")
        path = tmp / f"{name}.nix"
        path.write_text(text.strip() + "\n")
        return Prepared([str(path)], tmp)

    return prepare


def _corpus(lib: str, file: str, *extra: str) -> Callable[[Path], Prepared]:
    def prepare(tmp: Path) -> Prepared:
        return Prepared([file, *extra], LIBS[lib])

    return prepare


def _modules(count: int) -> Callable[[Path], Prepared]:
    def prepare(tmp: Path) -> Prepared:
        default = gen_modules.generate(tmp / f"modules{count}", count, lib=str(LIB_2611 / "lib"))
        return Prepared([str(default)], tmp)

    return prepare


def _overlays(packages: int, overlays: int) -> Callable[[Path], Prepared]:
    def prepare(tmp: Path) -> Prepared:
        path = tmp / f"overlays{packages}.nix"
        path.write_text(gen_overlays.generate(packages, overlays, lib=str(LIB_2611 / "lib")))
        return Prepared([str(path)], tmp)

    return prepare


def lib_concat(target: int = PARSE_BOUND_BYTES) -> str:
    """nixpkgs lib 26.11's files as elements of one list, repeated to ``target`` bytes.

    ``builtins.length`` of the list forces none of the elements: evaluating
    the file costs its parse (and whatever is built eagerly from it).
    """
    files = sorted((LIB_2611 / "lib").rglob("*.nix"))
    parts = ["# nixpkgs lib 26.11, concatenated for benchmarks/eval.py\nbuiltins.length [\n"]
    size = len(parts[0])
    while size < target:
        for file in files:
            chunk = f"(\n{file.read_text()}\n)\n"
            parts.append(chunk)
            size += len(chunk.encode())
            if size >= target:
                break
    parts.append("]\n")
    return "".join(parts)


def _parse_bound(kind: str) -> Callable[[Path], Prepared]:
    def prepare(tmp: Path) -> Prepared:
        if kind == "lib":
            text = lib_concat()
        else:  # a package set function: evaluating it does not call it
            text = generate_packages(lines=60000)
        path = tmp / f"parse-{kind}.nix"
        path.write_text(text)
        return Prepared([str(path)], tmp, size=len(text.encode()))

    return prepare


def workloads() -> list[Workload]:
    """Every row, in table order."""
    rows = [Workload(name, "inline", "-", _inline(name, "-")) for name in INLINE]
    rows = [w for w in rows if w.name not in ("lib-functions", "lib-import")]
    rows += [
        Workload("lib-functions", "inline", "2025", _inline("lib-functions", "2025")),
        Workload("lib-import-2025", "inline", "2025", _inline("lib-import", "2025")),
        Workload("lib-import-26.11", "inline", "26.11", _inline("lib-import", "26.11")),
        Workload("test-misc-2025", "lib tests", "2025", _corpus("2025", "lib/tests/misc.nix")),
        Workload("test-misc-26.11", "lib tests", "26.11", _corpus("26.11", "lib/tests/misc.nix")),
        Workload("test-systems-2025", "lib tests", "2025", _corpus("2025", SYSTEMS)),
        Workload("test-systems", "lib tests", "26.11", _corpus("26.11", SYSTEMS)),
        Workload("test-fetchers", "lib tests", "26.11", _corpus("26.11", "lib/tests/fetchers.nix")),
        Workload(
            "test-path-unit",
            "lib tests",
            "26.11",
            _corpus("26.11", "lib/path/tests/unit.nix", "--arg", "libpath", "./lib"),
        ),
        Workload("check-eval-2025", "lib tests", "2025", _corpus("2025", CHECK_EVAL)),
        Workload("modules-300", "held-out", "26.11", _modules(300)),
        Workload("overlays-2000x100", "held-out", "26.11", _overlays(2000, 100)),
        Workload("parse-lib-4.7MB", "parse-bound", "26.11", _parse_bound("lib")),
        Workload("parse-pkgset-60k", "parse-bound", "-", _parse_bound("packages")),
    ]
    return rows
