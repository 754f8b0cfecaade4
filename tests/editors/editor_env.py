"""Helpers of the editor tests: what nixls must answer, and finding the editors.

Each editor test drives the real program (Neovim, Emacs, VS Code in
code-server under Chromium) against the real ``python -m nixls``. These
tests are opt-in (marker ``editors``) and never install anything: what they
need is installed beforehand by ``editors/install-test-deps.sh``, and a
missing piece fails the test with a message naming that script.
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path
from typing import NoReturn

import pytest

REPO = Path(__file__).resolve().parents[2]
FIXTURES = Path(__file__).resolve().parent / "fixtures"
VSCODE_DIR = REPO / "editors" / "vscode"
INSTALL_SCRIPT = REPO / "editors" / "install-test-deps.sh"
# The tests that drive an editor run when asked: `-m editors`, or this variable set to 1.
OPT_IN_VARIABLE = "NIXLS_EDITOR_TESTS"
SKIP_REASON = (
    "drives a real editor: opt in with `python -m pytest -m editors` "
    f"(or {OPT_IN_VARIABLE}=1) after {INSTALL_SCRIPT.relative_to(REPO)}"
)
# Where the install script puts code-server and the current Neovim (the same rule there).
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


def missing(what: str) -> NoReturn:
    """Fail the test: ``what`` is not installed (the tests never install it themselves)."""
    script = INSTALL_SCRIPT.relative_to(REPO)
    pytest.fail(f"{what}: run {script} (as root) first, see README.md", pytrace=False)


def pinned(script: Path, name: str) -> str:
    """The version ``script`` installs: ``$name`` if set, else its ``${name:-default}``."""
    override = os.environ.get(name)
    if override:
        return override
    text = script.read_text(encoding="utf-8")
    found = re.search(rf'^{name}="\$\{{{name}:-([^}}]+)\}}"$', text, re.M)
    assert found, f"{script.name} pins no {name}"
    return found.group(1)


def require_executable(name: str) -> str:
    """The path of ``name`` on PATH."""
    exe = shutil.which(name)
    if exe is None:
        missing(f"{name} is not on PATH")
    return exe


def require_node() -> str:
    """The path of node (>= 20, which code-server 4.100 and vsce 3 need)."""
    node = require_executable("node")
    require_executable("npm")
    version = subprocess.run([node, "--version"], capture_output=True, text=True).stdout.strip()
    major = int(version.lstrip("v").split(".")[0] or 0)
    if major < 20:
        missing(f"Node.js >= 20 is needed, this machine has {version}")
    return node


def read_json_report(path: Path) -> dict[str, object]:
    """A JSON report written by an editor-side check script."""
    if not path.exists():
        return {}
    data: dict[str, object] = json.loads(path.read_text(encoding="utf-8"))
    return data
