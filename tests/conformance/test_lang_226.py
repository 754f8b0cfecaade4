"""C++ Nix 2.26's language suite (221 tests), run against nixls as upstream runs it.

``lang_suite.py`` runs each test in-process with the commands and the
comparisons of ``tests/data/conformance/run_lang_suite.py``. Each test gets
two verdicts: the exit status is right, and the outputs are byte-exact.

``lang226_passing.tsv`` lists the tests nixls is known to pass (and at which
level): a listed test that stops passing fails here, so regressions show
per test; unlisted tests only report their verdict. The totals must reach
the thresholds below (what nixls reaches now; the goal is 220 and 210).
The summary (per kind, and every test not exact) is printed at the end of
the module. ``record_lang226.py`` re-measures and rewrites the baseline.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from tests.conformance.lang_suite import (
    Verdict,
    case_names,
    make_root,
    reference,
    run_case,
    summary,
)

PASSING = Path(__file__).with_name("lang226_passing.tsv")
# C++ Nix 2.26.3 itself: 220 status, 217 exact (REFERENCE-2.26.3.tsv).
MIN_STATUS = 220
MIN_EXACT = 215

RESULTS: dict[str, Verdict] = {}


def _known() -> dict[str, str]:
    """name -> "exact" or "status" (the level nixls reached on that test)."""
    rows = {}
    for line in PASSING.read_text().splitlines():
        if line and not line.startswith("#"):
            name, level = line.split("\t")
            rows[name] = level
    return rows


KNOWN = _known()
NAMES = case_names()


@pytest.fixture(scope="module")
def root(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Path]:
    path = tmp_path_factory.mktemp("lang226")
    make_root(path)
    yield path
    _print_summary()


def _print_summary() -> None:
    print("\nNix 2.26 language suite, nixls:")
    for line in summary(list(RESULTS.values())):
        print("  " + line)


def test_suite_is_complete() -> None:
    assert len(NAMES) == 221
    assert set(NAMES) == set(reference())
    assert set(KNOWN) <= set(NAMES)


@pytest.mark.parametrize("name", NAMES)
def test_case(name: str, root: Path) -> None:
    verdict = run_case(root, name)
    RESULTS[name] = verdict
    level = KNOWN.get(name)
    detail = (
        f"exit {verdict.rc}\n--- stdout\n{verdict.out[-2000:]}\n--- stderr\n{verdict.err[-3000:]}"
    )
    if level is not None:
        assert verdict.status, f"{name} regressed: wrong exit status\n{detail}"
    if level == "exact":
        assert verdict.exact, f"{name} regressed: output differs\n{detail}"


def test_totals(root: Path) -> None:
    missing = [n for n in NAMES if n not in RESULTS]
    for name in missing:  # when run alone (-k totals)
        RESULTS[name] = run_case(root, name)
    status = sum(r.status for r in RESULTS.values())
    exact = sum(r.exact for r in RESULTS.values())
    newly = sorted(n for n, r in RESULTS.items() if r.exact and KNOWN.get(n) != "exact")
    assert status >= MIN_STATUS, f"{status}/221 with the right exit status"
    assert exact >= MIN_EXACT, f"{exact}/221 byte-exact; newly exact: {newly}"
