"""Every diagnostic code, positive and negative, on the fixture cases.

Each case lists exactly the diagnostics it must produce (code, the source
text under the span, severity); the verdict of C++ Nix (recorded in
``fixtures/nix_verdicts.tsv``) must agree with whether we report an error.
"""

from __future__ import annotations

import pytest

from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import CODES, Severity
from evaluator.syntax import parse
from tests.compiler.cases import Case, load_cases, load_verdicts

CASES = load_cases()
VERDICTS = load_verdicts()


def _found(case: Case) -> list[tuple[str, str, str]]:
    analysis = analyse(parse(case.source))
    return sorted(
        (d.code, case.source[d.start : d.end].decode(), d.severity.value)
        for d in analysis.diagnostics
    )


def _expected(case: Case) -> list[tuple[str, str, str]]:
    return sorted((e.code, e.text, e.severity or CODES[e.code][0].value) for e in case.expects)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_case_diagnostics(case: Case) -> None:
    assert _found(case) == _expected(case)


@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_errors_agree_with_nix(case: Case) -> None:
    accepted, message = VERDICTS[case.name]
    analysis = analyse(parse(case.source))
    errors = [d for d in analysis.diagnostics if d.severity is Severity.ERROR]
    if accepted:
        assert errors == []
    else:
        assert errors, f"Nix rejects this: {message}"
        # Static errors (not syntax) use Nix's own words.
        if not message.startswith("syntax error"):
            assert message in [d.message for d in errors]


def test_every_code_has_a_positive_and_a_negative_case() -> None:
    positive = {e.code for c in CASES for e in c.expects}
    negative = {c.name.split("/")[0] for c in CASES if "negative" in c.name}
    assert positive == set(CODES)
    assert negative == set(CODES)


def test_verdicts_cover_every_case() -> None:
    assert sorted(VERDICTS) == sorted(c.name for c in CASES)
