"""Neovim (Debian's package, headless) with the snippets from editors/neovim/."""

from __future__ import annotations

import json
import re
import shutil
import subprocess
from pathlib import Path

import pytest
from conftest import EXPECTED, REPO, ensure_debian_packages, read_json_report

NEOVIM_DIR = REPO / "editors" / "neovim"
CHECK = Path(__file__).resolve().parent / "nvim_check.lua"


@pytest.fixture(scope="module")
def nvim() -> tuple[str, tuple[int, int]]:
    """The nvim executable and its (major, minor) version."""
    ensure_debian_packages("neovim")
    exe = shutil.which("nvim")
    assert exe is not None, "the neovim package is installed but nvim is not on PATH"
    out = subprocess.run([exe, "--version"], capture_output=True, text=True).stdout
    m = re.search(r"NVIM v(\d+)\.(\d+)", out)
    assert m, out
    return exe, (int(m.group(1)), int(m.group(2)))


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


def test_snippet_for_installed_neovim(
    nvim: tuple[str, tuple[int, int]],
    workspace: Path,
    report_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    """The snippet meant for this Neovim attaches nixls, gets diagnostics and a hover."""
    exe, version = nvim
    snippet = NEOVIM_DIR / ("nixls.lua" if version >= (0, 8) else "nixls-0.7.lua")
    result = _run_check(exe, snippet, workspace, report_path, server_command, server_env)
    _assert_answers(result)


def test_check_fails_when_the_answer_is_wrong(
    nvim: tuple[str, tuple[int, int]],
    workspace: Path,
    report_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    """The Lua check really compares: a hover expectation the server does not meet fails."""
    exe, version = nvim
    snippet = NEOVIM_DIR / ("nixls.lua" if version >= (0, 8) else "nixls-0.7.lua")
    wrong = {"NIXLS_EXPECT_HOVER": json.dumps(["let binding", "no such text in any hover"])}
    with pytest.raises(AssertionError, match="nvim exited 1"):
        _run_check(exe, snippet, workspace, report_path, server_command, server_env, wrong)
    result = read_json_report(report_path)
    assert result["why"] == 'hover does not contain "no such text in any hover"'


def test_every_snippet_is_valid_lua(nvim: tuple[str, tuple[int, int]]) -> None:
    """All three forms parse (loadfile) in the installed Neovim's LuaJIT."""
    exe, _ = nvim
    for snippet in sorted(NEOVIM_DIR.glob("*.lua")):
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
