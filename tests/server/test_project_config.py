"""The server reads the workspace's nixls.toml under the editor's settings; hints are faded."""

from __future__ import annotations

from typing import Any

import pytest
from lsprotocol import types

from tests.server.harness import Session

pytestmark = pytest.mark.asyncio(loop_scope="session")

OWN_SERVER = True  # writes nixls.toml into its workspace root

SOURCE = "{ lib, pkgs, ... }:\nlet unused = 1; in rec { a = lib; }\n"


def _configure(session: Session, settings: dict[str, Any]) -> None:
    session.client.workspace_did_change_configuration(
        types.DidChangeConfigurationParams(settings={"nixls": settings})
    )


def _by_code(diags: list[types.Diagnostic]) -> dict[str, types.Diagnostic]:
    return {str(d.code): d for d in diags}


async def test_unused_arguments_are_faded_hints(session: Session) -> None:
    uri = session.open("plain.nix", SOURCE)
    diags = _by_code(await session.diagnostics(uri, until=lambda ds: len(ds) >= 3))
    hint = diags["unused-argument"]
    assert hint.severity == types.DiagnosticSeverity.Hint
    assert list(hint.tags or []) == [types.DiagnosticTag.Unnecessary]
    assert hint.message == "argument 'pkgs' is never used"
    assert diags["unused-binding"].severity == types.DiagnosticSeverity.Warning
    assert diags["unused-rec"].severity == types.DiagnosticSeverity.Warning


async def test_nixls_toml_applies_and_editor_settings_override_it(session: Session) -> None:
    (session.root / "nixls.toml").write_text(
        "[diagnostics]\n"
        'ignored = ["unused-binding"]\n'
        'severity = { unused-rec = "error", unused-argument = "off" }\n'
        'exclude = ["generated/*"]\n'
    )
    # Editors send every setting, most at their default: those keep the file's values.
    _configure(session, {"diagnostics": {"debounceMs": 0, "ignored": [], "severity": {}}})
    uri = session.open("configured.nix", SOURCE)
    diags = await session.diagnostics(uri, until=lambda ds: "unused-binding" not in _by_code(ds))
    assert sorted(_by_code(diags)) == ["unused-rec"]
    assert diags[0].severity == types.DiagnosticSeverity.Error
    generated = session.open("generated/out.nix", SOURCE)
    assert await session.diagnostics(generated) == []
    # A value the user chose in the editor wins over the file, key by key.
    _configure(session, {"diagnostics": {"debounceMs": 0, "severity": {"unused-rec": "hint"}}})
    diags = await session.diagnostics(
        uri, until=lambda ds: any(d.severity == types.DiagnosticSeverity.Hint for d in ds)
    )
    assert [(d.code, d.severity) for d in diags] == [
        ("unused-rec", types.DiagnosticSeverity.Hint)  # unused-argument: still off
    ]
    _configure(session, {"diagnostics": {"debounceMs": 0, "ignored": ["unused-rec"]}})
    diags = await session.diagnostics(uri, until=lambda ds: "unused-rec" not in _by_code(ds))
    assert sorted(_by_code(diags)) == ["unused-binding"]


async def test_a_bad_nixls_toml_is_reported_and_skipped(session: Session) -> None:
    (session.root / "nixls.toml").write_text('[diagnostics]\nignored = ["nope"]\n')
    _configure(session, {"diagnostics": {"debounceMs": 0}})
    uri = session.open("after-bad.nix", SOURCE)
    diags = await session.diagnostics(uri, until=lambda ds: "unused-binding" in _by_code(ds))
    assert "unused-binding" in _by_code(diags)
    path = session.root / "nixls.toml"
    messages = [m.message for m in session.client.log_messages]
    assert any(f"{path}:2:1: 'diagnostics.ignored': unknown diagnostic code" in m for m in messages)
