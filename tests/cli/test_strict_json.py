"""`nixls eval --strict --json` forces as it prints, as C++ Nix does (one walk
of the value, not a deep force first): the answers of Nix 2.26.3 are recorded
in ``fixtures/strict_json.json`` by ``record_strict_json.py``."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from nixls.cli import eval_cmd
from tests.cli.record_strict_json import FIXTURE, error_line

CASES = json.loads(FIXTURE.read_text())


@pytest.mark.parametrize("case", CASES, ids=[c["expr"][:40] for c in CASES])
def test_strict_json_answers_as_nix(case: dict[str, object], tmp_path: Path) -> None:
    file = tmp_path / "case.nix"
    file.write_text(f"{case['expr']}\n")
    out, err = io.BytesIO(), io.StringIO()
    argv = ["--strict", "--json", "--no-eval-cache", str(file)]
    status = eval_cmd.main(argv, out, err, {"HOME": str(tmp_path)})
    assert status == case["status"]
    if status == 0:
        assert out.getvalue().decode() == case["stdout"]
    else:
        assert error_line(err.getvalue()) == case["error"]
