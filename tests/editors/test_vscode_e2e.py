"""The extension in a real VS Code: code-server 4.100.3 (VS Code 1.100, real
extension host) under Debian's headless Chromium, driven with playwright-core
by editors/vscode/e2e/drive.mjs.

Set NIXLS_UPDATE_SCREENSHOT=1 to copy the screenshot to docs/vscode.png.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import shutil
import subprocess
from pathlib import Path

import pytest
from editor_env import EXPECTED, REPO, VSCODE_DIR

pytestmark = pytest.mark.editors

DRIVER = VSCODE_DIR / "e2e" / "drive.mjs"
SCREENSHOT = REPO / "docs" / "vscode.png"
BAD_SERVER = "/nonexistent/bin/nixls"


def test_extension_starts_nixls_and_shows_its_answers(
    code_server: Path,
    vsix: Path,
    vscode_node_modules: str,
    workspace: Path,
    tmp_path: Path,
    server_command: list[str],
    server_env: dict[str, str],
) -> None:
    config = {
        "codeServer": str(code_server),
        "vsix": str(vsix),
        "workspace": str(workspace),
        "file": EXPECTED.file,
        "hoverWord": EXPECTED.hover_word,
        "expectHover": list(EXPECTED.hover),
        "expectDiagnostics": [text for text, _ in EXPECTED.diagnostics],
        "evaluate": {"word": "greeting", "expect": '"hello world"'},
        # the server's inlay hints hidden, so the extension's own decoration shows results
        "inlayHints": "offUnlessPressed",
        "badServerPath": BAD_SERVER,
        "tmp": str(tmp_path / "vscode"),
        "chromium": shutil.which("chromium") or "/usr/bin/chromium",
        # the setting route of server discovery, with a command line
        "serverPath": shlex.join(server_command),
        "env": {"PYTHONPATH": server_env.get("PYTHONPATH", "")},
        "screenshot": str(tmp_path / "vscode.png"),
    }
    config_file = tmp_path / "drive.json"
    config_file.write_text(json.dumps(config), encoding="utf-8")
    proc = subprocess.run(
        [vscode_node_modules, str(DRIVER), str(config_file)],
        cwd=VSCODE_DIR,
        capture_output=True,
        text=True,
        timeout=360,
        stdin=subprocess.DEVNULL,
    )
    report = json.loads(proc.stdout) if proc.stdout.strip() else {}
    assert proc.returncode == 0 and report.get("ok"), (
        f"driver failed: {report.get('error')}\nsteps: {report.get('steps')}\n"
        f"server log:\n{report.get('serverLog')}\nstderr:\n{proc.stderr[-3000:]}"
    )

    # The extension registered the language and started the configured server...
    assert report["languageId"] == "Nix"
    log = report["serverLog"]
    assert f"[nixls] starting {shlex.join(server_command)} (found via setting)" in log
    # ...which VS Code's client initialized and which published diagnostics.
    assert "Sending request 'initialize" in log
    assert "Received response 'initialize" in log
    assert "Received notification 'textDocument/publishDiagnostics'" in log

    # What the user sees: a squiggle, the Problems panel, a hover with a value.
    assert report["squiggles"] >= 1
    for text, line in EXPECTED.diagnostics:
        assert any(text in row and f"[Ln {line + 1}," in row for row in report["problems"]), report[
            "problems"
        ]
    for want in EXPECTED.hover:
        assert want in report["hover"], report["hover"]

    # "Nix: Evaluate Selection" on `greeting` shows its value after that line...
    inline = report["inline"]
    assert '⇒ "hello world" :: string' in inline["decorations"], inline
    assert "Sending request 'workspace/executeCommand" in log
    # ...and both results go to the Nix Evaluation channel: the binding's value,
    # and "Nix: Evaluate File"'s (shallow) value with the failing attribute.
    evaluation = report["evaluationLog"]
    assert re.search(r'hello\.nix:4:\d+\n  "hello world" :: string', evaluation), evaluation
    file_result = evaluation.split("hello.nix:1:1\n")[1]
    assert "answer = 42;" in file_result, evaluation
    assert "cannot add a string to an integer" in file_result, evaluation

    # "Nix: Show Server Log" opens the server's channel (the JSON-RPC trace) in the Output panel.
    # The panel renders only the lines in view, and later traffic scrolls it, so
    # check that the trace lines on screen are lines of the server's log (the
    # executeCommand request itself is checked in the full log above).
    shown = "\n".join(report["serverLogView"])
    trace_lines = [line for line in shown.splitlines() if line.startswith("[Trace - ")]
    assert trace_lines, shown
    assert all(line in log for line in trace_lines), (trace_lines, log[-3000:])

    # A server command that does not exist: a notification says what to fix.
    notification = " ".join(report["notification"])
    assert BAD_SERVER in notification and "nixls.server.path" in notification, notification

    if os.environ.get("NIXLS_UPDATE_SCREENSHOT"):
        SCREENSHOT.parent.mkdir(exist_ok=True)
        shutil.copyfile(tmp_path / "vscode.png", SCREENSHOT)
