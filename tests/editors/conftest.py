"""Fixtures of the editor tests (helpers live in editor_env.py, a unique module name)."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from editor_env import (
    CACHE,
    FIXTURES,
    REPO,
    VSCODE_DIR,
    ensure_debian_packages,
    ensure_node,
    run_logged,
)

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
    """editors/vscode/node_modules as ``npm ci`` makes it; returns the node executable.

    A finished install is kept in the cache, keyed by the lock file, and copied
    into fresh checkouts (CI clones anew each run; copying beats re-installing).
    """
    node = ensure_node()
    lock = VSCODE_DIR / "package-lock.json"
    modules = VSCODE_DIR / "node_modules"
    installed = modules / ".package-lock.json"
    if installed.exists() and installed.stat().st_mtime >= max(
        lock.stat().st_mtime, (VSCODE_DIR / "package.json").stat().st_mtime
    ):
        return node
    key = hashlib.sha256(lock.read_bytes()).hexdigest()[:16]
    cached = CACHE / "vscode-node_modules" / key / "node_modules"
    if cached.is_dir() and not modules.exists():
        run_logged(["cp", "-a", str(cached), str(modules)])
        installed.touch()  # newer than this checkout's lock file: current
        return node
    run_logged(["npm", "ci", "--no-audit", "--no-fund"], cwd=VSCODE_DIR, timeout=600)
    if not cached.is_dir():
        partial = cached.parent / "partial"
        shutil.rmtree(partial, ignore_errors=True)
        partial.parent.mkdir(parents=True, exist_ok=True)
        run_logged(["cp", "-a", str(modules), str(partial)])
        partial.rename(cached)
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
    """code-server 4.100.3 (VS Code 1.100) from the npm registry, in the cache."""
    ensure_debian_packages("chromium", "libkrb5-dev", "ripgrep")
    dest = CACHE / "code-server"
    run_logged(["bash", str(VSCODE_DIR / "e2e" / "install-code-server.sh"), str(dest)], timeout=900)
    return dest


@pytest.fixture
def report_path(tmp_path: Path) -> Iterator[Path]:
    """Where the editor-side script writes its report."""
    yield tmp_path / "report.json"
