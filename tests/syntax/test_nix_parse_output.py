"""Trees agree with C++ Nix 2.8's own parser on recorded `--parse` output.

`fixtures/parse_cases.json` was recorded from `nix-instantiate --parse` by
`fixtures/record_parse_cases.py`; it pins precedence and associativity of
every operator, `or`, unary minus, lambdas, attribute names and the exact
indentation stripping of `''` strings.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from evaluator.syntax import parse
from tests.syntax.nixshow import normalize, show

CASES = json.loads((Path(__file__).parent / "fixtures" / "parse_cases.json").read_text())


@pytest.mark.parametrize("record", CASES, ids=[c["case"][:40] for c in CASES])
def test_matches_nix(record: dict[str, object]) -> None:
    source = f"with {{}}; ({record['case']}\n)"
    result = parse(source)
    assert record["ok"], "all recorded cases parse in Nix"
    assert result.errors == []
    assert normalize(show(result.root, "/")) == normalize(str(record["output"]))


def test_case_count() -> None:
    assert len(CASES) >= 100
