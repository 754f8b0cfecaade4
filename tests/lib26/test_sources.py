"""`lib.fileset`, `lib.sources` and `lib.filesystem` over a real tree give Nix 2.26.3's store paths.

The tree is ``tests/data/source-tree`` (plus a `.git` directory, see
:mod:`source_tree`); the expected outputs were recorded by
``record_sources.py`` with nix226-instantiate and a local store.
"""

from __future__ import annotations

import io
import json
import sys
from pathlib import Path
from typing import Any

import pytest

from evaluator import api
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from source_tree import make_tree  # noqa: E402

CASES = json.loads((HERE / "fixtures" / "sources.json").read_text())


@pytest.fixture(scope="module")
def tree(tmp_path_factory: pytest.TempPathFactory) -> Path:
    return make_tree(tmp_path_factory.mktemp("sources"))


@pytest.mark.parametrize("case", CASES, ids=[c["expr"][46:] for c in CASES])
def test_like_nix(case: dict[str, Any], tree: Path, lib26: Path) -> None:
    def fill(text: str) -> str:
        return text.replace("@LIB@", str(lib26 / "lib")).replace("@TREE@", str(tree))

    ev = api.Evaluator(EvalContext(stderr=io.StringIO()))
    try:
        value = ev.eval_source(fill(case["expr"]), base_dir="/", strict=True)
        out = str(ev.render(value, strict=True))
    except NixError as e:
        out = f"error: {e.message}"
    assert out == fill(case["out"])
