"""Helpers of the editor tests: what nixls must answer, and installing the editors.

Each editor test drives the real program (Neovim, Emacs, VS Code in
code-server under Chromium) against the real ``python -m nixls``. What
they need comes from Debian's packages and the npm registry, installed here
the first time (idempotent, quick once installed). A test is skipped only
when installing is impossible on this machine (no apt-get or not root, no
node/npm), with the reason; an install that is possible but fails is a
test error, never a silent skip.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VSCODE_DIR = REPO / "editors" / "vscode"
# Heavy downloads (code-server) are kept between runs on the same machine.
CACHE = Path(os.environ.get("NIXLS_EDITOR_CACHE", Path.home() / ".cache" / "nixls-editor-tests"))


@dataclass(frozen=True)
class Expected:
    """What nixls must answer for the fixture (fixtures/workspace/hello.nix), in every editor."""

    file: str
    # (substring of a message, 0-based line): a static one and an evaluation one
    diagnostics: tuple[tuple[str, int], ...]
    hover_line: int  # 0-based position of a binding's name
    hover_col: int
    hover_word: str
    hover: tuple[str, ...]  # substrings of the hover text there


def _line_of(lines: list[str], start: str) -> int:
    return next(i for i, s in enumerate(lines) if s.strip().startswith(start))


def _expected() -> Expected:
    text = (FIXTURES / "workspace" / "hello.nix").read_text(encoding="utf-8")
    lines = text.splitlines()
    line = _line_of(lines, "answer =")
    return Expected(
        file="hello.nix",
        diagnostics=(
            ("'unused' is bound but never used", _line_of(lines, "unused =")),
            # from evaluating the file (C++ Nix 2.8 says the same)
            ("cannot add a string to an integer", _line_of(lines, "broken =")),
        ),
        hover_line=line,
        hover_col=lines[line].index("answer") + 2,
        hover_word="answer",
        # what `answer` is, and its live value (answer = 6 * 7)
        hover=("let binding", "42"),
    )


EXPECTED = _expected()


# ---------------------------------------------------------------- running things


def run_logged(
    cmd: list[str],
    *,
    cwd: Path | None = None,
    timeout: float = 600,
    env: dict[str, str] | None = None,
) -> subprocess.CompletedProcess[str]:
    """Run ``cmd``; on failure, fail the test with the tail of its output."""
    start = time.monotonic()
    proc = subprocess.run(
        cmd,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=timeout,
        stdin=subprocess.DEVNULL,
    )
    if proc.returncode != 0:
        tail = (proc.stdout + proc.stderr)[-4000:]
        took = time.monotonic() - start
        pytest.fail(f"{' '.join(cmd)} failed ({proc.returncode}) after {took:.0f}s:\n{tail}")
    return proc


def _dpkg_installed(package: str) -> bool:
    if shutil.which("dpkg-query") is None:
        return False
    proc = subprocess.run(
        ["dpkg-query", "-W", "-f=${Status}", package], capture_output=True, text=True
    )
    return proc.returncode == 0 and proc.stdout.strip() == "install ok installed"


def ensure_debian_packages(*packages: str) -> None:
    """Install the missing ones with apt-get; skip only if that is impossible here."""
    missing = [p for p in packages if not _dpkg_installed(p)]
    if not missing:
        return
    if shutil.which("apt-get") is None:
        pytest.skip(f"needs the Debian packages {missing}, and this machine has no apt-get")
    if os.geteuid() != 0:
        pytest.skip(f"needs the Debian packages {missing}; installing them needs root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = ["apt-get", "install", "-y", "-q", "--no-install-recommends", *missing]
    proc = subprocess.run(
        install, env=env, capture_output=True, text=True, stdin=subprocess.DEVNULL
    )
    if proc.returncode != 0:
        # Package lists may be missing or stale on a fresh machine.
        run_logged(["apt-get", "update", "-q"], env=env)
        run_logged(install, env=env)


def ensure_node() -> str:
    """The path of node (>= 20, which code-server 4.100 and vsce 3 need) and npm."""
    node, npm = shutil.which("node"), shutil.which("npm")
    if node is None or npm is None:
        pytest.skip("needs Node.js >= 20 with npm (not installed; Debian's nodejs is too old)")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    if major < 20:
        pytest.skip(f"needs Node.js >= 20, this machine has {version}")
    return node


def read_json_report(path: Path) -> dict[str, object]:
    """A JSON report written by an editor-side check script."""
    if not path.exists():
        return {}
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data
