"""The benchmark workloads are real: small instances evaluate to what C++ Nix prints.

The expected values were printed by C++ Nix 2.26.3 (``nix226-instantiate --eval
--strict``) on the files the generators write with the same arguments, with
nixpkgs lib 26.11 from ``tests/data/corpus``. The measuring helpers are checked
on real child processes and a real py-spy line format.
"""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from evaluator.api import Evaluator
from evaluator.vm.context import EvalContext

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))

import eval_workloads  # noqa: E402
import gen_modules  # noqa: E402
import gen_overlays  # noqa: E402
import measure  # noqa: E402
import pyspy_summary  # noqa: E402

LIB = ROOT / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

# Printed by nix226-instantiate --eval --strict (C++ Nix 2.26.3).
MODULES_20 = (
    '{ enabled = 13; etc = 14; failed = 0; hash = "89c033f71bc58260b5e48bb0c6d4d697'
    '70561ef054d5513f8c3f82842b4472d9"; ports = 13; }'
)
OVERLAYS_100_10 = (
    '{ extra = 10; hash = "a779499c0755c79353517b6962bd606f6f51249c36e037606767305e'
    '17c97079"; size = 60; }'
)


def _evaluate(path: Path) -> str:
    ev = Evaluator(EvalContext())
    return ev.render(ev.eval_file(str(path), strict=True), strict=True)


def test_generated_module_set_evaluates_as_cpp_nix(tmp_path: Path) -> None:
    default = gen_modules.generate(tmp_path, modules=20, lib=str(LIB))
    assert len(list((tmp_path / "modules").glob("svc*.nix"))) == 20
    assert _evaluate(default) == MODULES_20


def test_generated_overlays_evaluate_as_cpp_nix(tmp_path: Path) -> None:
    path = tmp_path / "overlays.nix"
    path.write_text(gen_overlays.generate(packages=100, overlays=10, lib=str(LIB)))
    assert _evaluate(path) == OVERLAYS_100_10


def test_generators_are_deterministic(tmp_path: Path) -> None:
    assert gen_overlays.generate(50, 5) == gen_overlays.generate(50, 5)
    assert gen_overlays.generate(50, 5) != gen_overlays.generate(50, 5, seed=1)
    a = gen_modules.generate(tmp_path / "a", modules=5).parent
    b = gen_modules.generate(tmp_path / "b", modules=5).parent
    for file in sorted(a.rglob("*.nix")):
        assert file.read_text() == (b / file.relative_to(a)).read_text()


def test_parse_bound_file_is_the_lib_concatenated_to_size() -> None:
    text = eval_workloads.lib_concat(200_000)
    assert 200_000 <= len(text.encode()) < 200_000 + 120_000
    assert text.splitlines()[1] == "builtins.length ["
    first = sorted((LIB).rglob("*.nix"))[0].read_text()
    assert first in text


def test_every_workload_names_an_existing_lib() -> None:
    names = [w.name for w in eval_workloads.workloads()]
    assert len(names) == len(set(names))
    for w in eval_workloads.workloads():
        assert w.lib == "-" or (eval_workloads.LIBS[w.lib] / "lib" / "default.nix").is_file()


def test_measure_run_reports_the_child_alone() -> None:
    busy = "import time\nend = time.process_time() + 0.2\nwhile time.process_time() < end: pass"
    run = measure.run([sys.executable, "-c", busy + "\nprint('done')"])
    assert run.ok and run.stdout.strip() == "done"
    assert run.cpu >= 0.2
    assert run.wall >= run.cpu * 0.5
    assert run.rss_mb > 1
    failed = measure.run([sys.executable, "-c", "import sys; sys.exit('error: boom')"])
    assert not failed.ok and failed.error_line() == "error: boom"


@pytest.mark.parametrize("by", ["function", "file", "category"])
def test_pyspy_summary_counts_self_and_inclusive(by: str) -> None:
    lines = [
        "main (nixls/cli/eval_cmd.py:1);_run (evaluator/vm/loop.py:2) 3",
        "main (nixls/cli/eval_cmd.py:1);Unit.compiled (evaluator/compiler/codegen.py:9) 1",
    ]
    total, own, inclusive = pyspy_summary.summarise(lines, by)
    assert total == 4
    assert sum(own.values()) == 4
    assert max(inclusive.values()) == 4
    if by == "category":
        assert own["evaluation loop"] == 3
        assert own["CPython compile() of generated code"] == 1
