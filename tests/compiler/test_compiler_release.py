"""A compiled file drops its compiler (tree and analysis) once no deferred
unit is left to generate, and evaluates the same afterwards."""

from __future__ import annotations

from pathlib import Path

from evaluator import api
from evaluator.api import Evaluator
from evaluator.compiler.compiled import CompiledFile

DATA = Path(__file__).resolve().parent.parent / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"


def _compile(path: Path) -> CompiledFile:
    return api.compile_source(path.read_bytes(), str(path), str(path.parent))


def test_the_compiler_is_kept_until_the_last_deferred_unit_is_generated() -> None:
    compiled = _compile(LIB / "lists.nix")
    assert compiled.main.deferred  # lib's big functions are deferred
    todo = list(compiled.main.deferred)
    while todo:
        assert compiled.holds_compiler, todo
        unit = compiled.unit(todo.pop())
        todo.extend(unit.deferred)
    assert not compiled.holds_compiler
    assert len(compiled.units()) == len(compiled.parents) + 1


def test_a_file_without_deferred_thunks_drops_its_compiler_at_once() -> None:
    small = DATA / "home-manager-like" / "stub"
    paths = sorted(small.rglob("*.nix")) + sorted((DATA / "nixos-like").rglob("*.nix"))
    without = [c for c in map(_compile, paths) if not c.main.deferred]
    assert without
    assert not any(c.holds_compiler for c in without)


def test_a_file_evaluates_the_same_after_its_compiler_is_dropped(tmp_path: Path) -> None:
    # Thunks over the deferral threshold, holding more: forcing the result
    # generates every unit (the last one drops the compiler).
    pad = " ".join(f"((x{i}: x{i}) {i})" for i in range(40))
    path = tmp_path / "big.nix"
    path.write_text(
        "let\n"
        f"  a = let inner = builtins.length [ {pad} ] + 1; in inner * 2;\n"
        f"  b = let inner = builtins.foldl' (s: x: s + x) 0 [ {pad} ]; in inner + a;\n"
        "in [ a b ]\n"
    )
    data = path.read_bytes()
    ev = Evaluator()
    compiled = ev.compile_cache.compile(data, str(path), str(tmp_path))
    assert compiled.holds_compiler and compiled.main.deferred
    expected = "[ 82 862 ]"  # (40 + 1) * 2; 0 + 1 + ... + 39 = 780, + 82
    for _ in range(2):  # the second run loads the units the first one generated
        value = ev.eval_source(data, path=str(path), strict=True)
        assert ev.render(value, strict=True) == expected
        assert not compiled.holds_compiler
        assert len(compiled.units()) == len(compiled.parents) + 1 > 3, compiled.units()
