"""C++ Nix's parse-time verdicts on its own language tests, reproduced.

- every ``parse-fail`` file is rejected with a located error giving the
  reason Nix 2.26.3 gives, where it reports it
  (``fixtures/parse_fail_nix.tsv``, recorded by ``record_nix.py`` with
  ``nix226-instantiate``: 2.26 is the reference, and it locates inherited
  names and clashes of merged literals differently from 2.8);
- ``nixls parse`` rejects them too (and accepts the ``parse-okay`` files);
- no ``eval-okay`` / ``parse-okay`` file and no file of nixpkgs ``lib/`` gets
  an error-severity diagnostic (in particular no undefined variable).
"""

from __future__ import annotations

from pathlib import Path

import pytest

from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import LineIndex, Severity
from evaluator.syntax import parse
from nixls.cli import main

SHARED = Path(__file__).resolve().parents[1] / "data"
LANG = SHARED / "conformance" / "nix-lang"
LIB = SHARED / "corpus" / "nixpkgs-lib"
FIXTURES = Path(__file__).resolve().parent / "fixtures"


def _reference() -> dict[str, tuple[str, str]]:
    rows = {}
    for line in (LANG / "REFERENCE.tsv").read_text(encoding="utf-8").splitlines()[1:]:
        name, kind, _result, note = line.split("\t")
        rows[name] = (kind, note.removeprefix("error: "))
    return rows


def _nix226() -> dict[str, tuple[str, str]]:
    """Nix 2.26.3's message and LINE:COL for each file (the reference now; Nix 2.8
    located inherited names and merged-literal clashes differently)."""
    lines = (FIXTURES / "parse_fail_nix.tsv").read_text(encoding="utf-8").splitlines()
    return {row.split("\t")[0]: (row.split("\t")[1], row.split("\t")[2]) for row in lines[1:]}


REFERENCE = _reference()
NIX226 = _nix226()
POSITIONS = {name: at for name, (_, at) in NIX226.items()}
PARSE_FAIL = sorted(name for name, (kind, _) in REFERENCE.items() if kind == "parse-fail")
OKAY = sorted(name for name, (kind, _) in REFERENCE.items() if kind in ("eval-okay", "parse-okay"))


def test_the_reference_lists_13_parse_fail_and_111_okay_files() -> None:
    assert len(PARSE_FAIL) == 13
    assert len(OKAY) == 111
    assert sorted(POSITIONS) == PARSE_FAIL


@pytest.mark.parametrize("name", PARSE_FAIL)
def test_parse_fail_is_rejected_with_nix_reason(name: str) -> None:
    source = (LANG / f"{name}.nix").read_bytes()
    analysis = analyse(parse(source))
    errors = [d for d in analysis.diagnostics if d.severity is Severity.ERROR]
    assert errors, "accepted a file Nix rejects"
    reason = NIX226[name][0]
    index = LineIndex(source)
    if reason.startswith("syntax error"):
        first = errors[0]
        assert first.code == "syntax-error"
        assert first.message.startswith("syntax error")
        # The first syntax error is on Nix's line.
        assert index.line_col(first.start)[0] == int(POSITIONS[name].split(":")[0])
        return
    matching = [d for d in errors if d.message == reason]
    assert matching, [d.message for d in errors]
    line, col = index.line_col(matching[0].start)
    assert f"{line}:{col}" == POSITIONS[name]


@pytest.mark.parametrize("name", OKAY)
def test_okay_file_has_no_error(name: str) -> None:
    analysis = analyse(parse((LANG / f"{name}.nix").read_bytes()))
    assert [d for d in analysis.diagnostics if d.severity is Severity.ERROR] == []


def test_nixpkgs_lib_has_no_error() -> None:
    files = sorted(LIB.rglob("*.nix"))
    assert len(files) > 200
    bad = []
    for path in files:
        analysis = analyse(parse(path.read_bytes()), file=str(path))
        for d in analysis.diagnostics:
            if d.severity is Severity.ERROR:
                bad.append(f"{path.relative_to(LIB)}: {d.code}: {d.message}")
    assert bad == []


@pytest.mark.parametrize("name", PARSE_FAIL)
def test_nixls_parse_rejects_parse_fail(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    path = LANG / f"{name}.nix"
    assert main(["parse", "--tree", str(path)]) == 1
    lines = capsys.readouterr().out.splitlines()
    reason = NIX226[name][0].replace("(string)", str(path))
    if reason.startswith("syntax error"):
        reason = "syntax error"
    located = [line for line in lines if line.startswith(f"{path}:")]
    assert located == lines
    assert any(line.split(": error: ", 1)[1].startswith(reason) for line in lines), lines


@pytest.mark.parametrize("name", [n for n in OKAY if n.startswith("parse-okay")])
def test_nixls_parse_accepts_parse_okay(name: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["parse", "--tree", str(LANG / f"{name}.nix")]) == 0
    assert ": error: " not in capsys.readouterr().out
