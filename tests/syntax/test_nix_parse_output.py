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


CORPUS_STRINGS = json.loads(
    (Path(__file__).parent / "fixtures" / "corpus_strings.json").read_text()
)
SHARED = Path(__file__).resolve().parents[1] / "data"


def test_corpus_strings_match_nix() -> None:
    """Escapes, `$`, interpolation and indentation stripping on real strings."""
    assert len(CORPUS_STRINGS) > 500
    indented = 0
    for record in CORPUS_STRINGS:
        source = (SHARED / record["file"]).read_bytes()
        literal = source[record["start"] : record["end"]]
        indented += literal.startswith(b"''")
        result = parse(b"with {}; (" + literal + b"\n)")
        assert result.errors == [], record
        assert normalize(show(result.root, "/")) == normalize(record["nix"]), record
    assert indented > 150
