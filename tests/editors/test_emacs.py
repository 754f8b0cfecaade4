"""Emacs (Debian's emacs-nox and elpa-eglot, --batch) with editors/emacs/nixls.el (opt-in)."""

from __future__ import annotations

import json
import subprocess
from pathlib import Path

import pytest
from editor_env import EXPECTED, REPO, missing, read_json_report, require_executable

pytestmark = pytest.mark.editors

CONFIG = REPO / "editors" / "emacs" / "nixls.el"
CHECK = Path(__file__).resolve().parent / "emacs_check.el"


@pytest.fixture(scope="module")
def emacs() -> str:
    """The emacs executable, with eglot available (Debian's elpa-eglot, or Emacs >= 29)."""
    exe = require_executable("emacs")
    probe = subprocess.run(
        [exe, "--batch", "--eval", "(require 'eglot)"],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    if probe.returncode != 0:
        missing(f"eglot is not available in {exe}")
    return exe


def _run_check(
    emacs: str,
    workspace: Path,
    report: Path,
    cmd: list[str],
    env: dict[str, str],
    overrides: dict[str, str] | None = None,
) -> tuple[int, dict[str, object], str]:
    check_env = {
        **env,
        "NIXLS_CONFIG": str(CONFIG),
        "NIXLS_CMD": json.dumps(cmd),
        "NIXLS_FIXTURE": str(workspace / EXPECTED.file),
        "NIXLS_REPORT": str(report),
        "NIXLS_HOVER_LINE": str(EXPECTED.hover_line),
        "NIXLS_HOVER_COL": str(EXPECTED.hover_col),
        "NIXLS_EXPECT_DIAGNOSTICS": json.dumps([text for text, _ in EXPECTED.diagnostics]),
        "NIXLS_EXPECT_HOVER": json.dumps(EXPECTED.hover),
        "NIXLS_TIMEOUT_MS": "20000",
        **(overrides or {}),
    }
    # --batch without -Q: Debian's site-start makes the elpa-eglot package loadable.
    proc = subprocess.run(
        [emacs, "--batch", "-l", str(CHECK)],
        cwd=workspace,
        env=check_env,
        capture_output=True,
        text=True,
        timeout=90,
        stdin=subprocess.DEVNULL,
    )
    return proc.returncode, read_json_report(report), proc.stderr


def test_eglot_gets_diagnostics_and_hover(
    emacs: str,
    workspace: Path,
    report_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    """eglot connects to nixls; flymake shows its diagnostic; hover answers on a binding."""
    status, result, stderr = _run_check(emacs, workspace, report_path, server_command, server_env)
    assert status == 0, f"emacs exited {status}: {result or stderr}"
    assert result["ok"] is True
    # neither nix-mode nor nix-ts-mode is installed: the fallback mode takes .nix files
    assert result["major-mode"] == "nixls-nix-mode"
    assert result["server"] == "nixls"
    diagnostics = result["diagnostics"]
    assert isinstance(diagnostics, list)
    for text, line in EXPECTED.diagnostics:
        assert any(text in d["message"] and d["line"] == line for d in diagnostics), diagnostics
    types = {d["type"] for d in diagnostics}
    assert {"eglot-warning", "eglot-error"} <= types, diagnostics
    for want in EXPECTED.hover:
        assert want in str(result["hover"])


def test_check_fails_when_the_answer_is_wrong(
    emacs: str,
    workspace: Path,
    report_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    """The elisp check really compares: an expected diagnostic nixls does not give fails."""
    wrong = {
        "NIXLS_EXPECT_DIAGNOSTICS": json.dumps(["no such diagnostic"]),
        "NIXLS_TIMEOUT_MS": "3000",
    }
    status, result, stderr = _run_check(
        emacs, workspace, report_path, server_command, server_env, wrong
    )
    assert status == 1, stderr
    assert result["why"] == 'no diagnostic contains "no such diagnostic"'


def test_nixls_is_registered_for_every_nix_mode(emacs: str) -> None:
    """nix-mode, nix-ts-mode (stand-ins defined here) and the fallback all map to nixls."""
    program = f"""
      (progn
        (define-derived-mode nix-mode prog-mode "Nix")
        (define-derived-mode nix-ts-mode prog-mode "Nix")
        (load {json.dumps(str(CONFIG))} nil t)
        (setq nixls-command '("nixls" "--log-level" "INFO"))
        (setq nixls-settings '(:eval (:diagnostics "onType")))
        (dolist (mode '(nix-mode nix-ts-mode nixls-nix-mode))
          (pcase-let ((`(,_modes ,lang ,contact) (eglot--lookup-mode mode)))
            (princ (format "%s %s %S\\n" mode lang (funcall contact nil))))))
    """
    proc = subprocess.run(
        [emacs, "--batch", "--eval", program],
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr
    contact = (
        '("nixls" "--log-level" "INFO" :initializationOptions (:eval (:diagnostics "onType")))'
    )
    assert proc.stdout.splitlines() == [
        f"nix-mode nix {contact}",
        f"nix-ts-mode nix {contact}",
        f"nixls-nix-mode nix {contact}",
    ]
