"""The extension's own logic under node (strict tsc, then node's test runner)."""

from __future__ import annotations

import re

from conftest import VSCODE_DIR, run_logged


def test_node_unit_tests_pass(vscode_node_modules: str) -> None:
    """Server discovery, result formatting, settings, and the grammar (vscode-textmate)."""
    run_logged(["npm", "run", "--silent", "compile"], cwd=VSCODE_DIR)
    proc = run_logged([vscode_node_modules, "--test", "out/test/"], cwd=VSCODE_DIR, timeout=120)
    passed = re.search(r"^# pass (\d+)$", proc.stdout, re.M)
    failed = re.search(r"^# fail (\d+)$", proc.stdout, re.M)
    assert passed and failed, proc.stdout[-2000:]
    assert int(failed.group(1)) == 0
    assert int(passed.group(1)) >= 25, proc.stdout[-2000:]
