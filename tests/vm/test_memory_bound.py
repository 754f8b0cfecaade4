"""The memory budget bounds the process's real growth, and memory comes back.

The estimate that builtins charge misses what Python really spends; the
budget also reads the resident set (``/proc/self/statm``) as evaluation
goes. After an evaluation stopped by its budget, its garbage (cycles of
thunks and closures) is collected and pages are returned to the system.
"""

from __future__ import annotations

import gc
import os
import subprocess
import sys
from pathlib import Path

import pytest

from evaluator.api import CompileCache, Evaluator
from evaluator.vm import memory
from evaluator.vm.errors import BudgetExceeded
from evaluator.vm.loop import Budget, run
from evaluator.vm.values import Frame
from tests.vm import fresh_process

MB = 1 << 20
pytestmark = pytest.mark.skipif(memory.rss() is None, reason="no /proc/self/statm")


def in_fresh_process(name: str) -> None:
    """Run this module's function ``name`` in a new Python process."""
    fresh_process.in_fresh_process(__file__, name)


def real_growth_is_bounded() -> None:
    """(In a fresh process) a hog that charges nothing is stopped by the real RSS."""
    # The resident set is read at most every RSS_EVERY seconds of wall time,
    # so how far an evaluation overshoots in between depends on how fast the
    # machine runs it. Read at every check of the loop (every CHECK_EVERY
    # steps, 4 MB of this hog), the overshoot does not depend on the load.
    memory.RSS_EVERY = 0.0
    held: list[bytearray] = []

    def hog() -> Frame:
        # 1 MB every 64 steps, none of it charged to the estimate (at most
        # 400 MB, should the bound not hold).
        for i in range(400 * 64):
            if i % 64 == 0:
                held.append(bytearray(b"x" * MB))
            yield 0  # a plain value: one step of the loop

    budget = Budget(max_memory=50 * MB, timeout=120)
    try:
        run(hog(), budget)
    except BudgetExceeded as err:
        assert "memory" in err.message, err.message
    else:
        raise AssertionError("the hog was not stopped")
    # Margin: allocations may first reuse memory the process already holds.
    assert 50 <= len(held) < 50 + 40, len(held)
    held.clear()


def test_real_growth_is_bounded_even_when_nothing_is_charged() -> None:
    in_fresh_process("real_growth_is_bounded")


def test_memory_of_a_stopped_evaluation_is_given_back() -> None:
    gc.collect()
    before = memory.rss()
    assert before is not None
    # Cyclic data (each set refers to the list), then a loop the timeout stops.
    text = (
        "let l = builtins.genList (x: { a = toString x; self = l; }) 400000;"
        " f = x: f x; in builtins.deepSeq l (f 1)"
    )
    ev = Evaluator(budget=Budget(timeout=5))
    with pytest.raises(BudgetExceeded, match="time"):
        ev.eval_source(text)
    after = memory.rss()
    assert after is not None
    assert after - before < 40 * MB, (before // MB, after // MB)


def _cyclic_garbage(count: int) -> None:
    # Pairs of dicts that refer to each other: only the cyclic collector frees them.
    for _ in range(count):
        a: dict[str, object] = {"pad": "x" * 200}
        b: dict[str, object] = {"other": a}
        a["other"] = b


def test_release_above_floor_gives_back_what_was_freed(monkeypatch: pytest.MonkeyPatch) -> None:
    gc.collect()
    gc.disable()  # as a long-running evaluation leaves it: garbage waits
    try:
        floor = memory.rss()
        assert floor is not None
        monkeypatch.setattr(memory, "_floor", floor)
        assert not memory.release_above_floor(64 * MB)  # nothing to give back yet
        _cyclic_garbage(300_000)  # about 200 MB
        grown = memory.rss()
        assert grown is not None
        if grown - floor <= 100 * MB:
            pytest.skip("the garbage reused memory the process already held")
        assert memory.release_above_floor(64 * MB)
        after = memory.rss()
        assert after is not None and after - floor < 40 * MB, (floor // MB, after // MB)
    finally:
        gc.enable()


def test_release_if_grown_only_past_the_slack() -> None:
    now = memory.rss()
    assert now is not None
    assert not memory.release_if_grown(now, 64 * MB)
    assert not memory.release_if_grown(None, 64 * MB)
    assert memory.release_if_grown(now - 100 * MB, 64 * MB)


def test_compile_cache_forgets_a_closed_buffer() -> None:
    cache = CompileCache()
    first = cache.compile(b"1 + 1", "/w/a.nix", "/w")
    other = cache.compile(b"2", "/w/b.nix", "/w")
    assert cache.compile(b"1 + 1", "/w/a.nix", "/w") is first  # cached
    cache.forget("/w/a.nix")
    assert cache.compile(b"1 + 1", "/w/a.nix", "/w") is not first
    assert cache.compile(b"2", "/w/b.nix", "/w") is other


def _peak_mb(args: list[str]) -> tuple[int, str]:
    code = "import sys; from nixls.cli import main; sys.exit(main())"
    root = Path(__file__).resolve().parents[2]
    proc = subprocess.Popen(
        [sys.executable, "-c", code, *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        cwd=root,
    )
    assert proc.stdout is not None
    out = proc.stdout.read().decode()
    _, _, usage = os.wait4(proc.pid, 0)
    return usage.ru_maxrss // 1024, out


def test_cli_max_memory_holds_within_a_small_margin() -> None:
    base, _ = _peak_mb(["eval", "-E", "1"])
    # 2,000,000 small sets: far more real memory than the estimate counts.
    expr = "builtins.deepSeq (builtins.genList (x: { a = x; b = [ x ]; }) 2000000) 1"
    peak, out = _peak_mb(["eval", "--max-memory", "100", "-E", expr])
    assert "evaluation budget exceeded (memory)" in out
    assert peak - base < 100 + 40, (base, peak)


def test_imported_values_of_a_stopped_evaluation_are_dropped(tmp_path: Path) -> None:
    lib = tmp_path / "lib.nix"
    lib.write_text("{ big = builtins.genList (x: toString x) 200000; }")
    ev = Evaluator()
    ev.eval_source(f"builtins.length (import {lib}).big", path=str(tmp_path / "a.nix"))
    assert ev.context.import_values  # cached between evaluations...
    ev.budget = Budget(timeout=1)
    with pytest.raises(BudgetExceeded):
        ev.eval_source(f"let f = x: f x; in builtins.seq (import {lib}).big (f 1)")
    assert not ev.context.import_values  # ...but not after one was stopped


def test_resident_set_read_in_a_forked_child_is_the_childs() -> None:
    # `rss` keeps /proc/self/statm open; a descriptor inherited over fork
    # would still name the parent's entry.
    parent = memory.rss()
    assert parent is not None
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:  # the child: grow by 200 MB of touched pages, report the reading
        try:
            grown = bytearray(200 * MB)
            grown[::4096] = b"x" * len(range(0, len(grown), 4096))
            os.write(writer, str(memory.rss()).encode())
        finally:
            os._exit(0)
    os.close(writer)
    reported = int(os.read(reader, 64))
    os.close(reader)
    os.waitpid(pid, 0)
    assert reported - parent > 150 * MB, (parent // MB, reported // MB)
    now = memory.rss()
    assert now is not None and now - parent < 50 * MB
