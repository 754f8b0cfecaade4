"""Fixtures of the editor tests (helpers live in editor_env.py, a unique module name).

Tests that drive a real editor carry the ``editors`` marker and are skipped
unless asked for: ``python -m pytest -m editors``, or ``NIXLS_EDITOR_TESTS=1``
with any selection.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from editor_env import (
    CACHE,
    FIXTURES,
    OPT_IN_VARIABLE,
    REPO,
    SKIP_REASON,
    VSCODE_DIR,
    missing,
    pinned,
    require_executable,
    require_node,
    run_logged,
)


def editor_tests_requested(config: pytest.Config) -> bool:
    """Whether this run asked for the editor tests.

    A ``-m`` expression naming ``editors`` counts even as ``not editors``:
    pytest then deselects them anyway, so there is nothing left to skip.
    """
    if os.environ.get(OPT_IN_VARIABLE) == "1":
        return True
    markexpr = str(config.getoption("markexpr", "") or "")
    return re.search(r"\beditors\b", markexpr) is not None


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Skip the tests marked ``editors`` unless they were asked for."""
    if editor_tests_requested(config):
        return
    skip = pytest.mark.skip(reason=SKIP_REASON)
    for item in items:
        if item.get_closest_marker("editors") is not None:
            item.add_marker(skip)


# ---------------------------------------------------------------- the server


@pytest.fixture(scope="session")
def server_command() -> list[str]:
    """How every editor starts the server under test.

    ``NIXLS_EDITOR_TEST_SERVER`` (a JSON list) replaces it, to work on these
    harnesses against another server; CI never sets it.
    """
    override = os.environ.get("NIXLS_EDITOR_TEST_SERVER")
    if override:
        command: list[str] = json.loads(override)
        return command
    return [sys.executable, "-m", "nixls"]


@pytest.fixture(scope="session")
def server_env() -> dict[str, str]:
    """Environment for the editors: the repository importable (dev checkouts)."""
    path = os.environ.get("PYTHONPATH")
    return {**os.environ, "PYTHONPATH": f"{REPO}{os.pathsep}{path}" if path else str(REPO)}


@pytest.fixture
def workspace(tmp_path: Path) -> Path:
    """A fresh copy of the fixture workspace (outside the repository's git root)."""
    dest = tmp_path / "workspace"
    shutil.copytree(FIXTURES / "workspace", dest)
    return dest


# ---------------------------------------------------------------- VS Code


@pytest.fixture(scope="session")
def vscode_node_modules() -> str:
    """editors/vscode/node_modules as ``npm ci`` made it; returns the node executable."""
    node = require_node()
    installed = VSCODE_DIR / "node_modules" / ".package-lock.json"
    if not installed.exists():
        missing("editors/vscode/node_modules is not installed")
    manifests = (VSCODE_DIR / "package-lock.json", VSCODE_DIR / "package.json")
    if installed.stat().st_mtime < max(m.stat().st_mtime for m in manifests):
        missing("editors/vscode/node_modules is older than package-lock.json")
    return node


@pytest.fixture(scope="session")
def vsix(vscode_node_modules: str, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The extension packaged with vsce (which compiles it with strict tsc first)."""
    out = tmp_path_factory.mktemp("vsix") / "nixls.vsix"
    run_logged(["npx", "--no-install", "vsce", "package", "-o", str(out)], cwd=VSCODE_DIR)
    assert out.stat().st_size > 10_000
    return out


@pytest.fixture(scope="session")
def code_server(vscode_node_modules: str) -> Path:
    """code-server (VS Code 1.100) as install-code-server.sh left it in the cache; Chromium."""
    require_executable("chromium")
    dest = CACHE / "code-server"
    version = pinned(VSCODE_DIR / "e2e" / "install-code-server.sh", "CODE_SERVER_VERSION")
    stamp = dest / ".installed"
    if not stamp.exists() or stamp.read_text(encoding="utf-8").strip() != version:
        missing(f"code-server {version} is not installed in {dest}")
    return dest


@pytest.fixture
def report_path(tmp_path: Path) -> Iterator[Path]:
    """Where the editor-side script writes its report."""
    yield tmp_path / "report.json"
