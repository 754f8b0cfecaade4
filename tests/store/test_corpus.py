"""The store corpus: ``cases/*.nix`` evaluated by ``nixls eval --strict``.

Each case's expected stdout (``.exp``) or error message (``.err``) was
recorded from ``nix-instantiate --eval --strict --readonly-mode`` 2.8.0 by
``record.py``; outputs must match byte for byte (``@HERE@`` stands for this
directory, which error messages may name).
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nixls.cli.eval_cmd import main

HERE = Path(__file__).resolve().parent
CASES = sorted((HERE / "cases").glob("*.nix"))


def _eval(case: Path) -> tuple[int, str, str]:
    out = io.BytesIO()
    err = io.StringIO()
    code = main(["--strict", str(case)], out, err, {})
    return code, out.getvalue().decode("utf-8", "surrogateescape"), err.getvalue()


def test_corpus_is_large_enough() -> None:
    assert len(CASES) >= 60
    for case in CASES:
        assert case.with_suffix(".exp").exists() != case.with_suffix(".err").exists(), case


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case: Path) -> None:
    code, out, err = _eval(case)
    expected_out = case.with_suffix(".exp")
    if expected_out.exists():
        assert err.startswith("trace:") or code == 0, err
        assert out == expected_out.read_text().replace("@HERE@", str(HERE))
    else:
        message = case.with_suffix(".err").read_text().replace("@HERE@", str(HERE))
        assert code == 1
        assert err.splitlines()[0] == "error: " + message.rstrip("\n")
