"""`nixls parse --tree` as a user runs it: `python -m nixls parse --tree FILE|-`.

(Without `--tree` it prints what `nix-instantiate --parse` prints: the 2.26
language suite's parse tests check that, tests/conformance/test_lang_226.py.)"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).parent / "fixtures"


def run_parse(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    return subprocess.run(
        [sys.executable, "-m", "nixls", "parse", "--tree", *args],
        input=stdin.decode() if stdin is not None else None,
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=env,
        timeout=120,
    )


def test_valid_file_prints_tree() -> None:
    source = b'{ a, ... }: let x = "\xc3\xa9${a}"; in [ x.y or 1 ]\n'
    proc = run_parse("-", stdin=source)
    assert proc.returncode == 0, proc.stderr
    lines = proc.stdout.splitlines()
    assert lines[0].startswith("Lambda 0..")
    assert any(line.strip().startswith("formals: Formals") for line in lines)
    assert any(line.strip() == "parts[0]: 'é'" for line in lines)
    assert any("default: Int" in line and "value=1" in line for line in lines)
    # children are indented under their parents
    assert lines[1].startswith("  ") and not lines[0].startswith(" ")


def test_errors_one_line_each_with_line_and_column() -> None:
    path = FIXTURES / "five-errors.nix"
    proc = run_parse(str(path))
    assert proc.returncode == 1
    lines = proc.stdout.splitlines()
    assert len(lines) == 5
    positions = [line.split(": error: ")[0].rsplit(":", 2)[1:] for line in lines]
    assert [int(line) for line, _ in positions] == [4, 5, 6, 8, 10]
    assert lines[0] == f"{path}:4:10: error: syntax error, unexpected ';'"


def test_column_counts_characters() -> None:
    proc = run_parse("-", stdin='"é😀" )'.encode())
    assert proc.returncode == 1
    assert (
        proc.stdout == "<stdin>:1:6: error: syntax error, unexpected ')', expecting end of file\n"
    )


def test_missing_file() -> None:
    proc = run_parse("/nonexistent/file.nix")
    assert proc.returncode == 2
    assert "/nonexistent/file.nix" in proc.stderr
