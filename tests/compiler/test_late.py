"""Functions compiled on their first call (``evaluator/compiler/late.py``).

A unit's root function is compiled with the unit; every other function is a
stand-in until it is first called. What nixls prints must not show it:
``fixtures/late_functions.json`` holds C++ Nix 2.26.3's output
(``record_late.py``) for functions failing on their first call (a plain
function's stand-in is then on the traceback), calling others for the first
time, or recursing before they are compiled; each is checked without a
cache, cold and warm. The disk cache stores the texts of the functions not
compiled yet, and the code of those compiled since when it writes a unit again.
"""

from __future__ import annotations

from pathlib import Path
from types import CodeType
from typing import Any

import pytest

from evaluator.api import CompileCache, Evaluator
from evaluator.cache import DiskCache
from evaluator.compiler import late
from evaluator.compiler.compiled import CompiledFile
from evaluator.vm.context import EvalContext
from tests.vm.nix_oracle import case_param, load_cases, nixls, recorded

CASES: list[dict[str, Any]] = load_cases(__file__, "late_functions.json")
LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"


@pytest.mark.parametrize("case", [case_param(c) for c in CASES])
def test_as_cpp_nix_without_cache_cold_and_warm(
    case: dict[str, Any], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir("/")
    flags = ["--strict", *case["flags"]]
    assert nixls(case["expr"], [*flags, "--no-eval-cache"]) == recorded(case)
    cache = str(tmp_path / "cache")
    assert nixls(case["expr"], flags, XDG_CACHE_HOME=cache) == recorded(case)
    assert any((tmp_path / "cache").rglob("*.nxc")), "nothing was cached"
    assert nixls(case["expr"], flags, XDG_CACHE_HOME=cache) == recorded(case)


def _import(cache: Path, expr: str) -> tuple[Any, CompiledFile]:
    """Evaluate ``expr`` with ``lib`` bound to nixpkgs lib (a fresh evaluator
    on the disk cache ``cache``, flushed); the value and lib's `trivial.nix`."""
    ev = Evaluator(EvalContext(), compile_cache=CompileCache(disk=DiskCache(str(cache))))
    value = ev.eval_source(f"let lib = import {LIB}; in {expr}", strict=True)
    ev.compile_cache.flush()
    return value, ev.context.import_cache[str(LIB / "trivial.nix")]


def _stand_ins(code: CodeType | None) -> int:
    assert code is not None
    return sum(1 for c in code.co_consts if type(c) is CodeType and c.co_name == late.STAND_IN)


def test_only_the_functions_called_are_compiled_and_the_cache_keeps_them(
    tmp_path: Path,
) -> None:
    cache = tmp_path / "cache"
    value, trivial = _import(cache, "lib.version")
    assert value == (LIB / ".version").read_text().strip() + "pre-git"
    main = trivial.main
    # `trivial.nix` defines a hundred functions; `version` calls none of them.
    assert len(main.pending) > 50 and len(main.late) < 10
    # The code written to the cache: the functions compiled so far in place.
    before = _stand_ins(main.code) - len(main.late)
    assert before == len(main.pending) - len(main.late)
    # Read back from the cache: the same stand-ins; calling `id` compiles it,
    # and the entry written again holds its code.
    value, trivial = _import(cache, "lib.id 3")
    assert value == 3
    compiled_now = set(trivial.main.late)  # the thunk of `id` and its lambda
    assert compiled_now and trivial.changes > 0
    value, trivial = _import(cache, "lib.id 4")
    main = trivial.main
    assert value == 4 and not main.late and not compiled_now & set(main.pending)
    assert _stand_ins(main.code) == before - len(compiled_now)
    assert main.code is not None
    assert compiled_now <= {c.co_name for c in main.code.co_consts if type(c) is CodeType}
