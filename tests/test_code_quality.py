"""The project's own standards, checked in CI: ruff and mypy are clean."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PYTHON_DIRS = [d for d in ("evaluator", "nixls", "tests", "benchmarks") if (ROOT / d).is_dir()]


def _tool(name: str) -> list[str]:
    # Prefer the tool installed beside this Python (the test extra).
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed; install the 'test' extra")
    return [found]


def test_ruff_check_is_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "check", *PYTHON_DIRS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_ruff_format_is_clean() -> None:
    proc = subprocess.run(
        [*_tool("ruff"), "format", "--check", *PYTHON_DIRS],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_mypy_is_clean() -> None:
    proc = subprocess.run(
        [*_tool("mypy"), "evaluator", "nixls"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr


def test_evaluator_has_no_lsp_imports() -> None:
    offenders = []
    for path in (ROOT / "evaluator").rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        for banned in ("import pygls", "from pygls", "import lsprotocol", "from lsprotocol"):
            if banned in text:
                offenders.append(f"{path.relative_to(ROOT)}: {banned}")
    assert offenders == []
