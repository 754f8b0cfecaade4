"""A compiled file keeps of its tree only what its deferred thunks left to
generate need (`teardown.prune`), and takes the rest apart when done
(`teardown.dismantle`): the units generated are the same as from the whole
tree, and what is dropped is freed without the cyclic collector."""

from __future__ import annotations

import gc
from collections import Counter
from pathlib import Path

import pytest

from evaluator.compiler.analysis import analyse_to_compile
from evaluator.compiler.captures import Captures
from evaluator.compiler.codegen import compile_tree
from evaluator.compiler.compiled import CompiledFile
from evaluator.front_end import _drop_analysis_only, compile_source
from evaluator.syntax import nodes, parse
from evaluator.vm.errors import NixError
from evaluator.vm.frames import SourceText

DATA = Path(__file__).resolve().parents[1] / "data"
LIB = DATA / "corpus" / "nixpkgs-lib-26.11" / "lib"
# Files with deferred thunks: nixpkgs lib, the module-like projects, the rest.
FILES = sorted(p for p in DATA.rglob("*.nix") if 400 < p.stat().st_size < 200_000)


def _whole(path: Path) -> CompiledFile:
    """``path`` compiled from a tree the compiler may not prune (as the editor's)."""
    text = path.read_bytes()
    result = parse(text)
    analysis = analyse_to_compile(result, str(path), False)
    _drop_analysis_only(analysis.resolved)
    return compile_tree(
        result.root, analysis.resolved, SourceText(str(path), text), str(path.parent)
    )


def _all_units(compiled: CompiledFile, lifo: bool) -> list[tuple[str, str]]:
    """Every unit generated, in one order; (root, Python) of each."""
    out = [("main", compiled.main.python)]
    todo = list(compiled.main.deferred)
    while todo:
        unit = compiled.unit(todo.pop() if lifo else todo.pop(0))
        out.append((unit.root, unit.python))
        todo.extend(unit.deferred)
    return out


def _deferring() -> list[Path]:
    found = []
    for path in FILES:
        try:
            compiled = compile_source(path.read_bytes(), str(path), str(path.parent))
        except NixError:
            continue  # a file Nix refuses
        if compiled.main.deferred:
            found.append(path)
    return found


DEFERRING = _deferring()


def test_there_are_files_with_deferred_thunks() -> None:
    assert len(DEFERRING) > 40
    assert LIB / "lists.nix" in DEFERRING


@pytest.mark.parametrize("lifo", [False, True])
def test_units_from_a_pruned_tree_are_those_of_the_whole_tree(lifo: bool) -> None:
    for path in DEFERRING:
        pruned = compile_source(path.read_bytes(), str(path), str(path.parent))
        assert _all_units(pruned, lifo) == _all_units(_whole(path), lifo), path
        assert not pruned.holds_compiler


def _reachable_nodes(root: nodes.Node) -> int:
    count, stack = 0, [root]
    while stack:
        node = stack.pop()
        count += 1
        stack.extend(node.children())
    return count


def test_the_tree_shrinks_to_what_is_left_to_generate() -> None:
    path = LIB / "lists.nix"
    compiled = compile_source(path.read_bytes(), str(path), str(path.parent))
    compiler = compiled._compiler
    assert compiler is not None
    whole = _reachable_nodes(_whole(path)._compiler.root_node)  # type: ignore[union-attr]
    after_main = _reachable_nodes(compiler.root_node)
    todo = list(compiled.main.deferred)
    while len(todo) > 1:  # all but one deferred thunk generated
        todo.extend(compiled.unit(todo.pop(0)).deferred)
    last = _reachable_nodes(compiler.root_node)
    assert after_main < whole  # the main unit's own code is gone
    assert last * 5 < after_main, (whole, after_main, last)
    compiled.unit(todo.pop())  # the last one: the compiler is dropped
    assert not compiled.holds_compiler


def test_what_is_dropped_is_freed_without_the_cyclic_collector() -> None:
    paths = [LIB / "lists.nix", LIB / "modules.nix", *DEFERRING[:20]]
    gc.collect()
    gc.disable()
    try:
        for path in paths:
            compiled = compile_source(path.read_bytes(), str(path), str(path.parent))
            _all_units(compiled, lifo=False)
            assert not compiled.holds_compiler
        gc.set_debug(gc.DEBUG_SAVEALL)
        gc.collect()
        left = Counter(type(o).__name__ for o in gc.garbage)
    finally:
        gc.set_debug(0)
        gc.garbage.clear()
        gc.enable()
    assert not left, left.most_common(10)


def test_measuring_what_to_keep_is_not_redone_after_every_unit(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    # A file of many deferred thunks (a package set's attributes): the regions
    # of those left are measured each time a quarter of them is generated, so
    # the walks grow as n log n, not as n² (prune after every unit).
    n = 300
    body = " ".join(f"a{j} = x + {j};" for j in range(40))  # large enough to be deferred
    text = "{ " + " ".join(f"p{i} = x: {{ {body} }};" for i in range(n)) + " }"
    calls = Counter[str]()
    original = Captures.region

    def counted(self: Captures, node: nodes.Node) -> list[tuple[int, int]]:
        calls["region"] += 1
        return original(self, node)

    monkeypatch.setattr(Captures, "region", counted)
    compiled = compile_source(text.encode(), "/pkgs.nix", "/")
    assert len(compiled.main.deferred) >= n
    _all_units(compiled, lifo=False)
    assert not compiled.holds_compiler
    assert calls["region"] < 12 * n, calls  # after every unit: ~n²/2 = 45,000
