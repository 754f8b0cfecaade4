"""What a warm run pays outside evaluation (load22): constants decoded
straight into the module namespace, repeated imports without a `stat`."""

from __future__ import annotations

import marshal
import os
import time
from pathlib import Path
from typing import Any

import pytest

from evaluator import api
from evaluator.api import CompileCache, Evaluator
from evaluator.cache import DiskCache, codec, store
from evaluator.io import EvalIO
from evaluator.store.nar import file_type
from evaluator.vm.context import EvalContext
from evaluator.vm.frames import SourceText
from evaluator.vm.values import Attrs, NixPath

from .sample import write_sample


def _stored_consts(source: SourceText) -> tuple[dict[str, Any], Any]:
    consts: dict[str, Any] = {
        "S1": (source, 0, 3),
        "P": ("a", "b"),
        "K1": (("a",), (source, 1, 2), (source, 2, 3)),
        "K2": ((source, 4, 5), "x", (source, 5, 6)),
        "K3": (("b",), (source, 6, 7), (source, 7, 8)),
        "A": Attrs({"x": 1}),
        "N": NixPath("/nix/p"),
    }
    consts["A"].positions = {"x": ("/f.nix", 1, 2)}
    raw = marshal.loads(marshal.dumps(codec._dump_consts(consts, source)))
    return consts, raw


def test_constants_are_decoded_into_the_namespace_then_kept_on_a_second_load() -> None:
    source = SourceText(None, b"0123456789")
    consts, raw = _stored_consts(source)

    def span(start: int, end: int) -> tuple[Any, int, int]:
        return (source, start, end)

    def decode(r: Any, into: dict[str, Any] | None = None) -> dict[str, Any]:
        return codec.load_consts(r, source, span, into)

    stored = codec.Stored(raw, decode, decode)
    first: dict[str, Any] = {"other": 1}
    stored.update_into(first)
    assert first.pop("other") == 1
    assert first == consts and first["K2"][0][0] is source and first["A"].positions
    # Decoded into the namespace only: the stored form stays, to be written back as read.
    assert stored.raw is raw and codec._stored(stored) is raw
    second: dict[str, Any] = {}
    stored.update_into(second)  # a second evaluation: decoded once and kept
    assert second == consts and stored.raw is None and dict(stored.items()) == consts
    third: dict[str, Any] = {}
    stored.update_into(third)
    assert third == consts


def test_a_group_of_an_unseen_kind_is_read_by_a_plan_made_once() -> None:
    source = SourceText(None, b"0123456789")
    consts = {f"T{i}": ("v", (source, i, i + 1), i, (source, 0, i)) for i in range(3)}
    raw = codec._dump_consts(consts, source)
    codec._PLANS.pop("vsvs", None)
    back = codec.load_consts(raw, source, lambda s, e: (source, s, e))
    assert back == consts
    assert codec._PLANS["vsvs"] == ((0, -1), (1, 2), (3, -1), (4, 5))
    assert codec.load_consts(raw, source, lambda s, e: (source, s, e)) == consts


def test_a_warm_run_gives_the_same_values_with_constants_left_stored(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")

    def run() -> str:
        disk = DiskCache(str(tmp_path / "cache"), version="t")
        ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
        text = ev.render(ev.eval_file(str(path), strict=True, attr_path="part2"), strict=True)
        ev.compile_cache.flush()
        return text

    cold = run()
    assert run() == cold and run() == cold


def test_a_file_imported_again_is_not_resolved_again(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "d").mkdir()
    (tmp_path / "d" / "default.nix").write_text("{ v = 2; }")
    (tmp_path / "f.nix").write_text("{ v = 1; }")
    main = tmp_path / "main.nix"
    main.write_text(
        "let a = import ./f.nix; b = import ./f.nix; c = import ./d; e = import ./d;"
        " g = import ./d/default.nix;"
        " in [ a.v b.v c.v e.v g.v (a == b) (c == e) ]"
    )
    asked: list[str] = []
    resolve = api.resolve_import_path

    def counting(path: str, io: Any = None) -> str:
        asked.append(path)
        return resolve(path, io)

    monkeypatch.setattr(api, "resolve_import_path", counting)
    ev = Evaluator(EvalContext())
    text = ev.render(ev.eval_file(str(main), strict=True), strict=True)
    assert text == "[ 1 1 2 2 2 true true ]"
    d, f = str(tmp_path / "d"), str(tmp_path / "f.nix")
    # The file once (its second import is found as it is); the directory
    # each time (its value is under its `default.nix`), which is then found.
    assert asked.count(f) == 1 and asked.count(d) == 2
    assert str(tmp_path / "d" / "default.nix") not in asked


def test_constant_names_are_stored_as_the_codes_own_strings(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"
    disk = DiskCache(str(cache), version="t")
    ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
    ev.render(ev.eval_file(str(path), strict=True, attr_path="part1"), strict=True)
    ev.compile_cache.flush()
    key = next(k for k in disk._tracked if disk._tracked[k][0].filename.endswith("big.nix>"))
    units = codec.read_raw((cache / (key + ".nxc")).read_bytes(), key)[3]
    seen = 0
    for unit in units:
        code_names: dict[str, str] = {}
        stack = [unit[1]]
        while stack:
            code = stack.pop()
            code_names.update((n, n) for n in code.co_names)
            stack += [c for c in code.co_consts if hasattr(c, "co_names")]
        names = unit[5][0] + [n for _, group, _ in unit[5][4] for n in group] + unit[4]
        for name in names:
            # Read back as the very object the code names (a reference in the entry).
            if name in code_names:
                assert code_names[name] is name
                seen += 1
    assert seen > 10


def test_an_entry_read_is_marked_used_only_when_not_used_lately(tmp_path: Path) -> None:
    path = write_sample(tmp_path / "src")
    cache = tmp_path / "cache"

    def run() -> None:
        disk = DiskCache(str(cache), version="t")
        ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
        ev.render(ev.eval_file(str(path), strict=True, attr_path="part1"), strict=True)
        ev.compile_cache.flush()

    run()
    entries = sorted(cache.glob("*.nxc"))
    assert entries
    old = time.time() - 2 * store._TOUCH_AFTER_S
    recent = time.time() - store._TOUCH_AFTER_S / 2
    os.utime(entries[0], (old, old))
    for entry in entries[1:]:
        os.utime(entry, (recent, recent))
    run()  # reads every entry, writes none
    assert entries[0].stat().st_mtime > recent  # used long ago: marked used now
    assert all(e.stat().st_mtime == recent for e in entries[1:])  # used lately: left


def test_read_dir_types_are_those_of_lstat(tmp_path: Path) -> None:
    (tmp_path / "f").write_text("x")
    (tmp_path / "d").mkdir()
    (tmp_path / "to_d").symlink_to(tmp_path / "d")
    (tmp_path / "to_f").symlink_to(tmp_path / "f")
    (tmp_path / "dangling").symlink_to(tmp_path / "missing")
    os.mkfifo(tmp_path / "fifo")
    found = dict(EvalIO().read_dir(str(tmp_path)))
    expected = {n: file_type(os.lstat(tmp_path / n)) for n in os.listdir(tmp_path)}
    assert found == expected
    assert set(found.values()) == {"regular", "directory", "symlink", "unknown"}
