"""`nixls check`: output formats, directory recursion, exit status."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from nixls.cli import main

CLEAN = "{ a }: a\n"
WARNS = "let unused = 1; in 2\n"
ERRORS = "{\n  x = ;\n  z = y;\n}\n"  # a syntax error, then an undefined name


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    (tmp_path / "sub" / "deeper").mkdir(parents=True)
    (tmp_path / "clean.nix").write_text(CLEAN)
    (tmp_path / "sub" / "warns.nix").write_text(WARNS)
    (tmp_path / "sub" / "deeper" / "errors.nix").write_text(ERRORS, encoding="utf-8")
    (tmp_path / "sub" / "notes.txt").write_text("let in")  # not *.nix: skipped
    return tmp_path


def test_clean_file_exits_0(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tree / "clean.nix")]) == 0
    assert capsys.readouterr().out == ""


def test_warnings_exit_0_unless_denied(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tree / "sub" / "warns.nix"
    assert main(["check", str(path)]) == 0
    out = capsys.readouterr().out
    assert out == f"{path}:1:5: warning[unused-binding]: 'unused' is bound but never used\n"
    assert main(["check", "--deny-warnings", str(path)]) == 1


def test_directory_recursion_and_text_format(
    tree: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["check", str(tree)]) == 1
    lines = capsys.readouterr().out.splitlines()
    errors = str(tree / "sub" / "deeper" / "errors.nix")
    assert lines[0].startswith(f"{errors}:2:7: error[syntax-error]: ")
    assert lines[1] == f"{errors}:3:7: error[undefined-variable]: undefined variable 'y'"
    assert lines[2].startswith(f"{tree / 'sub' / 'warns.nix'}:1:5: warning[unused-binding]")
    assert len(lines) == 3


def test_json_format(tree: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tree / "sub" / "deeper" / "errors.nix"
    assert main(["check", "--format", "json", str(path)]) == 1
    records = json.loads(capsys.readouterr().out)
    undefined = [r for r in records if r["code"] == "undefined-variable"]
    assert undefined == [
        {
            "file": str(path),
            "line": 3,
            "column": 7,
            "end_line": 3,
            "end_column": 8,
            "severity": "error",
            "code": "undefined-variable",
            "message": "undefined variable 'y'",
        }
    ]


def test_missing_path_fails(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", str(tmp_path / "nope.nix")]) == 2  # like every missing file
    assert "nope.nix" in capsys.readouterr().err


def test_nix_message_names_the_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "dup.nix"
    path.write_text("{ x = 1;\n  x = 2; }\n")
    assert main(["check", str(path)]) == 1
    out = capsys.readouterr().out
    assert out == (
        f"{path}:2:3: error[duplicate-attribute]: attribute 'x' already defined at {path}:1:3\n"
    )
