"""Process-wide state is explicit: GC tuning restored, compile caches owned by their holder."""

from __future__ import annotations

import gc
from pathlib import Path

import pytest

from evaluator.api import CompileCache, Evaluator
from evaluator.vm.errors import ThrownError
from evaluator.vm.gc_tuning import GC_THRESHOLD
from evaluator.vm.loop import run
from evaluator.vm.values import Frame


def _threshold_inside() -> Frame:
    return gc.get_threshold()
    yield


def _fail_inside() -> Frame:
    raise ThrownError("boom")
    yield


@pytest.fixture
def host_threshold() -> object:
    saved = gc.get_threshold()
    gc.set_threshold(700, 10, 10)
    yield (700, 10, 10)
    gc.set_threshold(*saved)


def test_gc_threshold_is_raised_during_an_evaluation_and_restored(host_threshold: object) -> None:
    assert run(_threshold_inside()) == (GC_THRESHOLD, 10, 10)
    assert gc.get_threshold() == host_threshold
    with pytest.raises(ThrownError):
        run(_fail_inside())
    assert gc.get_threshold() == host_threshold


def test_a_host_collecting_less_often_keeps_its_setting() -> None:
    saved = gc.get_threshold()
    try:
        gc.set_threshold(GC_THRESHOLD * 2, 10, 10)
        assert run(_threshold_inside()) == (GC_THRESHOLD * 2, 10, 10)
    finally:
        gc.set_threshold(*saved)


def test_compiled_files_are_kept_by_the_cache_their_holder_passes(tmp_path: Path) -> None:
    (tmp_path / "a.nix").write_text("1 + 1\n")
    shared = CompileCache()
    first = Evaluator(compile_cache=shared)
    second = Evaluator(compile_cache=shared)
    assert first.eval_file(str(tmp_path / "a.nix")) == 2
    assert second.eval_file(str(tmp_path / "a.nix")) == 2
    key_text = b"1 + 1\n"
    compiled = shared.compile(key_text, str(tmp_path / "a.nix"), str(tmp_path))
    assert shared.compile(key_text, str(tmp_path / "a.nix"), str(tmp_path)) is compiled
    # Another evaluator without it starts cold: nothing is shared behind the caller's back.
    alone = Evaluator()
    assert alone.compile_cache is not shared
    alone_compiled = alone.compile_cache.compile(key_text, str(tmp_path / "a.nix"), str(tmp_path))
    assert alone_compiled is not compiled
