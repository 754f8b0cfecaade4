"""The store corpus: ``cases/*.nix`` evaluated by ``nixls eval --strict``.

Each case's expected stdout (``.exp``) or error message (``.err``) was
recorded from ``nix-instantiate --eval --strict --readonly-mode`` 2.8.0 by
``record.py``; outputs must match byte for byte (``@HERE@`` stands for this
directory, which error messages may name). Where Nix 2.26.3, the reference
now, words an error differently, the ``.err`` was re-recorded with it
(``error-nonexistent-source``, ``error-filtersource-not-function``, and the three
``error-*-context`` cases: 2.26 names a context element by its store path's base name);
``structured-nested.exp`` is 2.26.3's answer too (``nix226-instantiate``:
2.26 writes the float ``123456789.0`` of structured attributes as
``123456789.0`` in JSON, 2.8 as ``123456789``, which changes the
derivation's hash).
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


def _first_missing(message: str) -> str:
    """The message as Nix gives it on this machine.

    Nix resolves a path component by component and names the first one that
    is missing; the record was made where ``/nix/store`` exists, but a fresh
    machine may have no ``/nix`` at all.
    """
    prefix = "getting status of '"
    if not message.startswith(prefix):
        return message
    path = Path(message[len(prefix) :].split("'", 1)[0])
    first = next((p for p in [*reversed(path.parents), path] if not p.exists()), path)
    return message.replace(f"'{path}'", f"'{first}'", 1)


@pytest.mark.parametrize("case", CASES, ids=lambda p: p.stem)
def test_case(case: Path) -> None:
    code, out, err = _eval(case)
    expected_out = case.with_suffix(".exp")
    if expected_out.exists():
        assert err.startswith("trace:") or code == 0, err
        assert out == expected_out.read_text().replace("@HERE@", str(HERE))
    else:
        message = case.with_suffix(".err").read_text().replace("@HERE@", str(HERE))
        message = _first_missing(message)
        assert code == 1
        assert error_line(err) == "error: " + message.rstrip("\n")


def error_line(stderr: str) -> str:
    """The ``error: MESSAGE`` line: the first, or after Nix 2.26's trace the last one."""
    found = [line.strip() for line in stderr.splitlines() if line.strip().startswith("error: ")]
    return found[-1] if found else stderr.splitlines()[0]
