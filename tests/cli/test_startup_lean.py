"""Start-up stays lean (issue 16): what `nixls eval` imports, cold and warm.

A short evaluation's CPU time is mostly imports. These tests run nixls as
the user does, in a fresh interpreter that lists the modules it holds at
the end, with a cache directory of their own: the first run compiles
(cold), the second reads the disk cache (warm) and must not load the
front end (parser, analysis, code generator) nor the builtins it never
calls. No timing here (the machine is shared): benchmarks/startup.py
prints the times.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from evaluator.builtins import catalog, make_catalog, registry, themes
from evaluator.vm.values import PrimOp
from tests.cli.nixls_run import ROOT, environment

_LIST_MODULES = """
import sys
from nixls.cli import main
status = main(sys.argv[1:])
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
sys.exit(status)
"""

LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

# Never needed by a command-line evaluation (shutil, with its compression
# modules, came with argparse's help formatter and tempfile).
LSP_STACK = {"pygls", "lsprotocol", "lark", "cattrs", "asyncio", "shutil", "tempfile"}
# The front end: a disk cache hit needs none of it.
FRONT_END = {
    "evaluator.front_end",
    "evaluator.syntax.parser",
    "evaluator.syntax.lexer",
    "evaluator.compiler.analysis",
    "evaluator.compiler.diagnostics",
    "evaluator.compiler.scope",
    "evaluator.compiler.codegen",
}
# Standard modules a warm evaluation has no use for, each a millisecond or
# more of start-up: dataclasses (with inspect, ast, dis), hashlib (it loads
# OpenSSL; the cache hashes with _blake2), signal (it builds three enums),
# argparse with gettext and locale (a plain command line is read without it),
# opcode (only an error's trace through a builtin asks which instruction a
# frame waits at).
HEAVY = {
    "dataclasses",
    "inspect",
    "ast",
    "dis",
    "hashlib",
    "_hashlib",
    "signal",
    "argparse",
    "gettext",
    "locale",
    "opcode",
}
# Evaluator modules a warm `eval -E 1` may load: 32 when written (the VM,
# the cache, the table); the whole evaluator is over 100, the theme modules
# alone 20: room for a few new VM modules, not for loading everything.
MAX_EVALUATOR_MODULES = 40


def run(cache: Path, *args: str, cwd: Path = ROOT, installed: bool = False) -> tuple[str, set[str]]:
    """`nixls ARGS...` with ``cache`` as XDG_CACHE_HOME: (stdout, modules held).
    ``installed``: without `site` (as an installed nixls starts: no
    editable-install finder importing pathlib and re first)."""
    env = environment()
    env["XDG_CACHE_HOME"] = str(cache)
    proc = subprocess.run(
        [sys.executable, *(["-S"] if installed else []), "-c", _LIST_MODULES, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env=env,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return proc.stdout, set(proc.stderr.split())


def top_level(names: set[str]) -> set[str]:
    return {n.split(".")[0] for n in names}


def test_eval_expression_cold_then_warm(tmp_path: Path) -> None:
    out, cold = run(tmp_path, "eval", "-E", "1")
    assert out == "1\n"
    assert top_level(cold) & LSP_STACK == set()
    assert "evaluator.compiler.codegen" in cold  # compiled: the cache was empty
    # The front end's classes are plain classes: generating dataclasses'
    # methods was a tenth of a cold compile of lib.
    assert {"dataclasses", "inspect", "dis"} & cold == set()

    out, warm = run(tmp_path, "eval", "-E", "1")
    assert out == "1\n"
    assert top_level(warm) & LSP_STACK == set()
    assert warm & FRONT_END == set()
    assert warm & HEAVY == set()
    ours = sorted(n for n in warm if n.startswith("evaluator"))
    assert len(ours) <= MAX_EVALUATOR_MODULES, ours
    # No theme module but the light ones that declare constants.
    loaded = {n.rpartition(".")[2] for n in warm if n.startswith("evaluator.builtins.")}
    assert loaded & set(themes.THEMES) == set(catalog.EAGER)


def test_an_expression_hits_from_any_directory_unless_it_has_a_path(tmp_path: Path) -> None:
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()
    cache = tmp_path / "cache"
    run(cache, "eval", "-E", "1 + 1", cwd=here)
    out, names = run(cache, "eval", "-E", "1 + 1", cwd=there)
    assert out == "2\n" and names & FRONT_END == set()
    # A relative path is resolved against the directory it was compiled in.
    assert run(cache, "eval", "-E", "./a", cwd=here)[0] == f"{here}/a\n"
    assert run(cache, "eval", "-E", "./a", cwd=there)[0] == f"{there}/a\n"


def test_lib_import_warm_reads_only_the_cache(tmp_path: Path) -> None:
    expr = f"(import {LIB}).version"
    first, _ = run(tmp_path, "eval", "-E", expr)
    again, warm = run(tmp_path, "eval", "-E", expr)
    assert again == first and first.startswith('"26.11')
    assert warm & FRONT_END == set()
    assert warm & HEAVY == set()  # `readFile` outside the store: no store library
    assert "evaluator.syntax_errors" not in warm  # only a syntax or feature error needs it
    assert top_level(warm) & LSP_STACK == set()


def test_installed_like_cold_and_warm_runs_import_little(tmp_path: Path) -> None:
    # Cold: the front end, but not pathlib (with urllib.parse, ipaddress):
    # the parser tables are found with os.path. Warm: none of the heavy set.
    expr = f"(import {LIB}).version"
    first, cold = run(tmp_path, "eval", "-E", expr, installed=True)
    assert "evaluator.compiler.codegen" in cold
    assert {"pathlib", "urllib", "ipaddress", "argparse"} & cold == set()
    # Compiling files without errors needs no diagnostics, and nothing
    # hashes with OpenSSL (`_blake2` and `_sha256` are CPython's own).
    assert {"evaluator.compiler.diagnostics", "hashlib", "_hashlib"} & cold == set()
    assert {"dataclasses", "inspect", "dis"} & cold == set()  # plain front-end classes
    assert "ast" not in cold  # lib's escaped strings are normalised without it
    again, warm = run(tmp_path, "eval", "--strict", "-E", expr, installed=True)
    assert again == first and first.startswith('"26.11')
    assert warm & (HEAVY | FRONT_END | {"pathlib"}) == set()


def test_builtins_from_every_kind_of_theme_in_a_fresh_process(tmp_path: Path) -> None:
    # Each builtin here is a waiting one until its call imports its module;
    # the answers are C++ Nix 2.26.3's.
    expr = (
        '[ (builtins.toJSON (builtins.fromTOML "a = 1")) (builtins.match "a(b)" "ab")'
        ' (builtins.compareVersions "1.2" "1.10") (builtins.typeOf builtins.derivation)'
        ' (builtins.hashString "sha256" "") (builtins.length (builtins.attrNames builtins)) ]'
    )
    out, names = run(tmp_path, "eval", "--strict", "-E", expr)
    assert out == (
        '[ "{\\"a\\":1}" [ "b" ] -1 "lambda"'
        ' "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855" 114 ]\n'
    )
    assert "evaluator.builtins.derivations" not in names  # `derivation` was not called
    drv = '(derivation { name = "x"; builder = "b"; system = "s"; }).drvPath'
    out, names = run(tmp_path, "eval", "-E", drv)
    assert out == '"/nix/store/5wq5jx7219pmi3xklyhl77fjbqvy6qaj-x.drv"\n'
    assert "evaluator.builtins.derivations" in names
    out, _ = run(tmp_path, "eval", "-E", "builtins.derivation")
    assert out == "<LAMBDA>\n"


def test_catalog_is_up_to_date() -> None:
    text = (ROOT / "evaluator" / "builtins" / "catalog.py").read_text()
    assert text == make_catalog.render(), "run: python -m evaluator.builtins.make_catalog"


def _no_module() -> None:
    raise AssertionError("a declared builtin never loads its module")


def test_a_waiting_builtin_becomes_the_declared_one() -> None:
    waiting = registry.waiting_primop("zzTestOnly", 2, _no_module)
    try:

        @registry.builtin("zzTestOnly", 2)
        def declared(a: object, b: object) -> object:
            """Doc."""
            return a

        primop = getattr(declared, registry.PRIMOP_ATTR)
        assert primop is waiting and type(primop) is PrimOp
        assert primop.fn is declared and primop.doc == "Doc."
        assert primop.fn(1, 2) == 1  # the declared function, no module to load
    finally:
        registry._WAITING.pop("zzTestOnly", None)


def test_a_declaration_unlike_the_catalog_is_refused() -> None:
    registry.waiting_primop("zzTestOnly", 2, _no_module)
    try:
        with pytest.raises(AssertionError, match="catalog"):
            registry.builtin("zzTestOnly", 3)(lambda a, b, c: a)
    finally:
        registry._WAITING.pop("zzTestOnly", None)
