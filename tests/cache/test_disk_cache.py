"""The on-disk cache of compiled files (evaluator/cache), in process.

Each "run" is a new :class:`Evaluator` with a new :class:`DiskCache` on the
same directory, as a new `nixls eval` process would have: what it reads
comes from the files the runs before it wrote.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import pytest

from evaluator.api import CompileCache, Evaluator, compile_source, format_error
from evaluator.cache import DiskCache, codec
from evaluator.compiler.compiled import CompiledFile
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError

from .sample import write_sample

ROOT = Path(__file__).resolve().parents[2]
LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"


def run(
    cache_dir: Path | None, path: Path, attr: str, *, version: str = "t", max_bytes: int = 1 << 30
) -> tuple[str, CompiledFile]:
    """Evaluate ``attr`` of ``path`` deeply in a fresh evaluator; flush its cache."""
    disk = None
    if cache_dir is not None:
        disk = DiskCache(str(cache_dir), version=version, max_bytes=max_bytes)
    ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
    try:
        value = ev.eval_file(str(path), strict=True, attr_path=attr)
        text = ev.render(value, strict=True)
    except NixError as err:
        text = format_error(err, show_trace=True)
    ev.compile_cache.flush()
    return text, ev.context.import_cache[str(path)]


def entries(cache_dir: Path) -> list[Path]:
    return sorted(cache_dir.glob("*.nxc"))


def generated(compiled: CompiledFile) -> list[str]:
    """The units this run generated (those read from the cache have no Python)."""
    return [u.root for u in compiled.units() if u.python]


def test_results_equal_with_and_without_the_cache(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    attrs = ["part0", "part3", "bad", "all", "part0.b", "part5.sum"]
    expected = {a: run(None, path, a)[0] for a in attrs}
    assert "cannot add a string to an integer" in expected["bad"]
    for attr in attrs:  # the first run of each attribute writes what it compiled
        assert run(cache, path, attr)[0] == expected[attr]
    for attr in attrs:  # now everything comes from the cache: nothing generated
        text, compiled = run(cache, path, attr)
        assert text == expected[attr]
        assert generated(compiled) == []
    assert len(entries(cache)) == 2  # big.nix and lib.nix


def test_units_missing_from_the_cache_are_generated_and_merged(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    expected = run(None, path, "part2.b")[0]
    run(cache, path, "part1")  # stores main and part1's units only
    text, compiled = run(cache, path, "part2.b")
    assert text == expected
    assert generated(compiled) != [] and "main" not in generated(compiled)
    # The entry now holds both runs' units.
    assert generated(run(cache, path, "part1")[1]) == []
    assert generated(run(cache, path, "part2.b")[1]) == []


def test_unit_code_does_not_depend_on_generation_order(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src", parts=4)
    text = path.read_bytes()

    def all_units(order: int) -> dict[str, str]:
        compiled = compile_source(text, str(path), str(path.parent))
        todo = list(compiled.main.deferred)
        while todo:
            root = todo.pop(0 if order > 0 else -1)
            todo.extend(compiled.unit(root).deferred)
        return {u.root: _local_vars(u.python) for u in compiled.units()}

    first, second = all_units(1), all_units(-1)
    assert len(first) > 10
    assert first == second


def _local_vars(python: str) -> str:
    """``python`` with its variables (``v12``) renumbered in order of appearance:
    only module-level names must not depend on which unit named them first."""
    names: dict[str, str] = {}
    return re.sub(r"\bv\d+\b", lambda m: names.setdefault(m[0], f"V{len(names)}"), python)


def test_lib_results_equal_with_and_without_the_cache(tmp_path: Path) -> None:
    expr = (
        f'with import {LIB}; [ (strings.concatStringsSep "," ["a" "b"]) (lists.range 1 5)'
        " (attrsets.mapAttrs (n: v: v + 1) { a = 1; }) version"
        ' (systems.elaborate "x86_64-linux").system'
        " (fixedPoints.fix (self: { a = 1; b = self.a; })) ]"
    )

    def once(cache_dir: Path | None) -> str:
        disk = None if cache_dir is None else DiskCache(str(cache_dir))
        ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
        out = ev.render(ev.eval_source(expr, strict=True), strict=True)
        ev.compile_cache.flush()
        return out

    expected = once(None)
    assert once(tmp_path) == expected  # cold: writes
    assert len(entries(tmp_path)) > 5
    assert once(tmp_path) == expected  # warm


def test_errors_are_located_the_same_from_the_cache(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    cold = run(cache, path, "bad.result")[0]
    warm, compiled = run(cache, path, "bad.result")
    assert generated(compiled) == []
    assert warm == cold
    assert f"{path}:" in warm and "while calling 'g'" in warm and "cannot add" in warm


@pytest.mark.parametrize("damage", ["truncate", "flip", "garbage", "empty"])
def test_a_corrupt_entry_is_ignored_and_replaced(tmp_path: Path, damage: str) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    expected = run(None, path, "part4")[0]
    run(cache, path, "part4")
    for entry in entries(cache):
        data = entry.read_bytes()
        if damage == "truncate":
            data = data[: len(data) // 2]
        elif damage == "flip":
            at = len(data) * 2 // 3
            data = data[:at] + bytes([data[at] ^ 0xFF]) + data[at + 1 :]
        elif damage == "garbage":
            data = os.urandom(len(data))
        else:
            data = b""
        entry.write_bytes(data)
    text, compiled = run(cache, path, "part4")
    assert text == expected
    assert "main" in generated(compiled)  # compiled again, not read
    for entry in entries(cache):  # and written again, valid
        key = entry.name.removesuffix(".nxc")
        codec.read_raw(entry.read_bytes(), key)
    assert generated(run(cache, path, "part4")[1]) == []


def test_an_entry_of_another_version_or_format_is_not_read(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    run(cache, path, "part1", version="1")
    assert len(entries(cache)) == 2
    text, compiled = run(cache, path, "part1", version="2")
    assert "main" in generated(compiled)  # another key: not read
    assert len(entries(cache)) == 4
    # Same key, bytes of another format: refused by the magic number.
    for entry in entries(cache):
        entry.write_bytes(b"nixls-compiled\x00\x00" + entry.read_bytes()[16:])
    again, compiled = run(cache, path, "part1", version="2")
    assert again == text and "main" in generated(compiled)


def test_the_cache_stays_within_its_size_bound(tmp_path: Path) -> None:
    cache = tmp_path / "cache"
    sizes = []
    for i in range(12):
        path = write_sample(tmp_path / f"src{i}", parts=2)
        run(cache, path, "part1", max_bytes=10**9)
        sizes.append(sum(e.stat().st_size for e in entries(cache)))
    bound = sizes[-1] // 2
    newest = write_sample(tmp_path / "newest", parts=2)
    text, _ = run(cache, newest, "part1", max_bytes=bound)
    total = sum(e.stat().st_size for e in entries(cache))
    assert total <= bound
    assert len(entries(cache)) >= 2
    # The entries just written survive (least recently used go first).
    assert generated(run(cache, newest, "part1", max_bytes=bound)[1]) == []
    assert not list(cache.glob(".tmp-*"))


def test_an_unwritable_cache_only_costs_time(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    expected = run(None, path, "part2")[0]
    assert run(blocker / "cache", path, "part2")[0] == expected


def test_the_key_changes_with_the_evaluator_code_and_the_text(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaluator.cache import store

    disk = DiskCache(str(tmp_path))
    key = disk.key(b"1", "/a.nix", "/", False)
    assert disk.key(b"1", "/a.nix", "/", False) == key
    assert disk.key(b"2", "/a.nix", "/", False) != key
    assert disk.key(b"1", "/b.nix", "/", False) != key
    assert disk.key(b"1", "/a.nix", "/", True) != key
    monkeypatch.setattr(store, "_fingerprint", "another evaluator")
    assert disk.key(b"1", "/a.nix", "/", False) != key


def test_the_size_bound_is_checked_without_a_scan_per_write(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from evaluator.cache import store

    cache = tmp_path / "cache"
    scans = []
    scandir = os.scandir

    def counted(path: str) -> object:
        if path == str(cache):  # not the evaluator's own code (its fingerprint)
            scans.append(path)
        return scandir(path)

    monkeypatch.setattr(store.os, "scandir", counted)
    run(cache, write_sample(tmp_path / "src0", parts=2), "part1")
    assert len(scans) == 1  # no ledger yet: the first write scans
    written = sum(e.stat().st_size for e in entries(cache))
    for i in range(1, 4):
        run(cache, write_sample(tmp_path / f"src{i}", parts=2), "part1")
    assert len(scans) == 1  # under the bound: the ledger is enough
    ledger = [int(n) for n in (cache / store.LEDGER).read_text().split()]
    assert ledger[0] == written and sum(ledger) == sum(e.stat().st_size for e in entries(cache))
    # The ledger says the bound is passed: a scan deletes, then records what is left.
    bound = sum(ledger) // 2
    run(cache, write_sample(tmp_path / "src9", parts=2), "part1", max_bytes=bound)
    assert len(scans) == 2
    left = sum(e.stat().st_size for e in entries(cache))
    assert left <= bound
    assert [int(n) for n in (cache / store.LEDGER).read_text().split()] == [left]
    # Past _SCAN_EVERY records a write scans even under the bound.
    (cache / store.LEDGER).write_text("1\n" * store._SCAN_EVERY)
    run(cache, write_sample(tmp_path / "src10", parts=2), "part1")
    assert len(scans) == 3
