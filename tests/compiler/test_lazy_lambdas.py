"""Lambda bodies generated on their first call (``evaluator/compiler/codegen_lazy.py``).

A lambda whose body is longer than ``LAMBDA_DEFER_BYTES``
becomes a deferred root: its closure is made as before, its body function
(argument checks and body) is generated, compiled and cached when first
called. Nothing printed may show it: ``fixtures/lazy_lambdas.json`` holds
C++ Nix 2.26.3's output (``record_lazy_lambdas.py``) for errors in such
bodies and in their argument checks, and for what a closure tells before
any call; each is checked without a cache, cold and warm.
"""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from evaluator import front_end
from evaluator.api import CompileCache, Evaluator
from evaluator.cache import DiskCache
from evaluator.compiler import codegen_lazy
from evaluator.compiler.compiled import CompiledFile
from evaluator.vm.context import EvalContext
from tests.vm.nix_oracle import case_param, nixls, recorded, xfail_because

CASES: list[dict[str, Any]] = json.loads(
    (Path(__file__).parent / "fixtures" / "lazy_lambdas.json").read_text()
)
PAD = "p" * (codegen_lazy.LAMBDA_DEFER_BYTES + 20)
# `big` and `curried` have large bodies (deferred), `small` does not.
SOURCE = f"""{{
  big = {{ a, b ? 2 }}: let pad = "{PAD}"; in "big-body-" + toString (a + b);
  curried = x: y: let pad = "{PAD}"; in "curried-body-" + toString (x * y);
  small = x: "small-body-" + toString x;
}}
"""


# Known before lambdas were deferred (main b03854b prints the same): a lambda
# called by `map` lacks C++ Nix's "from call site" entry at the lambda.
KNOWN = {("--show-trace", "in map f [ { } ]"): "no 'from call site' entry for a call by map"}


def _known(case: dict[str, Any]) -> str | None:
    return KNOWN.get((" ".join(case["flags"]), case["expr"].rsplit("\n", 1)[-1]))


@pytest.mark.parametrize("case", [case_param(c, xfail_because(_known(c))) for c in CASES])
def test_as_cpp_nix_without_cache_cold_and_warm(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    # Recorded with a body long enough to be deferred (else: record again).
    assert "p" * codegen_lazy.LAMBDA_DEFER_BYTES in case["expr"]
    flags = ["--strict", *case["flags"]]
    assert nixls(case["expr"], [*flags, "--no-eval-cache"]) == recorded(case)
    cache = str(tmp_path / "cache")
    assert nixls(case["expr"], flags, XDG_CACHE_HOME=cache) == recorded(case)
    assert any((tmp_path / "cache").rglob("*.nxc")), "nothing was cached"
    assert nixls(case["expr"], flags, XDG_CACHE_HOME=cache) == recorded(case)


def _run(tmp_path: Path, tail: str, cache: bool = True) -> tuple[Any, CompiledFile]:
    """Evaluate ``import f.nix`` then ``tail`` (a fresh evaluator, flushing the
    disk cache under ``tmp_path``); the value and ``f.nix`` compiled."""
    path = tmp_path / "f.nix"
    path.write_text(SOURCE)
    disk = DiskCache(str(tmp_path / "cache")) if cache else None
    ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=disk))
    value = ev.eval_source(f"(import {path}){tail}", strict=True)
    ev.compile_cache.flush()
    return value, ev.context.import_cache[str(path)]


def _python(compiled: CompiledFile) -> str:
    return "".join(u.python for u in compiled.units())


def test_a_large_body_is_generated_only_when_first_called(tmp_path: Path) -> None:
    value, compiled = _run(tmp_path, ".small 1", cache=False)
    assert value == "small-body-1"
    python = _python(compiled)
    # The closures exist (a set of three functions); the large bodies were never written.
    assert "small-body-" in python
    assert "big-body-" not in python and "curried-body-" not in python
    assert len(compiled.main.deferred) == 2
    assert all(root.startswith("lam") for root in compiled.main.deferred)
    assert compiled.holds_compiler  # kept to generate them when called


def test_a_body_is_generated_on_its_first_call_and_runs_as_before(tmp_path: Path) -> None:
    value, compiled = _run(tmp_path, ".big { a = 1; }", cache=False)
    assert value == "big-body-3"
    python = _python(compiled)
    assert "big-body-" in python and "curried-body-" not in python
    value, compiled = _run(tmp_path, ".curried 2 3", cache=False)
    assert value == "curried-body-6"
    assert "curried-body-" in _python(compiled) and "big-body-" not in _python(compiled)


def test_the_cache_keeps_a_body_generated_later_and_a_warm_run_does_not_parse(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    assert _run(tmp_path, ".big { a = 1; }")[0] == "big-body-3"
    # Warm: `main` and the body's unit come from the disk; nothing is parsed.
    path = str(tmp_path / "f.nix")
    compile_source, rebuild = front_end.compile_source, front_end.rebuild

    def no_compile(text: bytes, at: str | None, *args: Any, **kwargs: Any) -> Any:
        assert at != path, "a warm run parsed f.nix"
        return compile_source(text, at, *args, **kwargs)

    def no_rebuild(text: bytes, source: Any, *args: Any) -> Any:
        assert source.path != path, "a warm run parsed f.nix"
        return rebuild(text, source, *args)

    monkeypatch.setattr(front_end, "compile_source", no_compile)
    monkeypatch.setattr(front_end, "rebuild", no_rebuild)
    value, compiled = _run(tmp_path, ".big { a = 5; b = 1; }")
    assert value == "big-body-6"
    assert not _python(compiled), "a unit was generated, not read from the cache"
    assert not compiled.holds_compiler
    # A body not cached yet: the file is parsed again to generate it.
    monkeypatch.undo()
    assert _run(tmp_path, ".curried 2 3")[0] == "curried-body-6"
