"""Idiomatic real-world code is not flagged: unused formals and arguments are only hints.

The samples in tests/data/samples are a NixOS-style module, a
callPackage-style package, an overlay and code with callbacks.
"""

from __future__ import annotations

import json
from typing import Any

import pytest

from tests.cli.nixls_run import SAMPLES, nixls

# Unused function arguments in each sample (hints, shown with --hints only).
UNUSED_ARGUMENTS = {
    "module.nix": ["options", "modulesPath"],
    "package.nix": ["enableTests"],
    "overlay.nix": ["final", "pyFinal", "old"],
    "callbacks.nix": ["value", "item"],  # not `_name` nor `_`
}


def _check(*args: str) -> tuple[int, list[dict[str, Any]]]:
    proc = nixls("check", "--format", "json", *args)
    assert "Traceback" not in proc.stderr
    return proc.returncode, json.loads(proc.stdout)


@pytest.mark.parametrize("sample", ["module.nix", "package.nix", "overlay.nix"])
def test_no_warning_for_formals_and_arguments(sample: str) -> None:
    status, records = _check(str(SAMPLES / sample))
    assert (status, records) == (0, [])
    status, records = _check("--deny-warnings", str(SAMPLES / sample))
    assert (status, records) == (0, [])


@pytest.mark.parametrize("sample", sorted(UNUSED_ARGUMENTS))
def test_hints_show_the_unused_arguments(sample: str) -> None:
    status, records = _check("--hints", str(SAMPLES / sample))
    assert status == 0  # hints never fail a check
    hints = [r for r in records if r["severity"] == "hint"]
    assert {r["code"] for r in hints} == {"unused-argument"}
    names = [r["message"].split("'")[1] for r in hints]
    assert names == UNUSED_ARGUMENTS[sample]


def test_unused_let_bindings_stay_warnings() -> None:
    status, records = _check(str(SAMPLES / "callbacks.nix"))
    assert status == 0
    assert [(r["severity"], r["code"], r["line"]) for r in records] == [
        ("warning", "unused-binding", 7)
    ]
    assert _check("--deny-warnings", str(SAMPLES / "callbacks.nix"))[0] == 1


def test_ignore_silences_a_code() -> None:
    path = str(SAMPLES / "callbacks.nix")
    assert _check("--ignore", "unused-binding", "--deny-warnings", path) == (0, [])
    status, records = _check("--hints", "--ignore", "unused-argument", path)
    assert [r["code"] for r in records] == ["unused-binding"]


def test_text_format_and_hints() -> None:
    path = SAMPLES / "overlay.nix"
    assert nixls("check", str(path)).stdout == ""
    lines = nixls("check", "--hints", str(path)).stdout.splitlines()
    assert lines[0] == f"{path}:2:1: hint[unused-argument]: argument 'final' is never used"
    assert len(lines) == 3
