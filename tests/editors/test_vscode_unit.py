"""The extension's own logic under node (strict tsc, then node's test runner)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from editor_env import VSCODE_DIR, run_logged

pytestmark = pytest.mark.editors


def test_node_unit_tests_pass(vscode_node_modules: str, vsix: Path) -> None:
    """Server discovery, result formatting, settings, and the grammar (vscode-textmate).

    Packaging the .vsix (the ``vsix`` fixture) compiled everything with strict tsc.
    """
    proc = run_logged([vscode_node_modules, "--test", "out/test/"], cwd=VSCODE_DIR, timeout=120)
    passed = re.search(r"^# pass (\d+)$", proc.stdout, re.M)
    failed = re.search(r"^# fail (\d+)$", proc.stdout, re.M)
    assert passed and failed, proc.stdout[-2000:]
    assert int(failed.group(1)) == 0
    assert int(passed.group(1)) >= 25, proc.stdout[-2000:]
