"""The extension declares exactly the server's settings (one source of truth)."""

from __future__ import annotations

import json
import subprocess
import sys
from typing import Any

from editor_env import REPO, VSCODE_DIR

from nixls.settings import settings_schema, structure_settings

CLIENT_ONLY = {"nixls.server.path", "nixls.trace.server"}


def _declared() -> dict[str, dict[str, Any]]:
    package = json.loads((VSCODE_DIR / "package.json").read_text(encoding="utf-8"))
    props: dict[str, dict[str, Any]] = package["contributes"]["configuration"]["properties"]
    return props


def test_every_server_setting_is_declared_with_type_default_and_description() -> None:
    declared = _declared()
    for key, schema in settings_schema().items():
        assert key in declared, f"{key} is a server setting but package.json does not declare it"
        assert declared[key] == schema, f"{key}: package.json {declared[key]} != server {schema}"


def test_nothing_else_is_declared_but_the_clients_own_settings() -> None:
    declared = _declared()
    extra = set(declared) - set(settings_schema()) - CLIENT_ONLY
    assert extra == set(), f"declared in package.json but unknown to the server: {extra}"
    for key in CLIENT_ONLY:
        assert declared[key]["type"] == "string"
        assert "default" in declared[key]
        assert declared[key].get("description") or declared[key].get("markdownDescription")


def test_declared_defaults_are_accepted_by_the_server_without_warnings() -> None:
    """The object the extension sends (declared defaults, nested) structures cleanly."""
    nested: dict[str, Any] = {}
    for key, schema in _declared().items():
        if key in CLIENT_ONLY:
            continue
        *parents, leaf = key.split(".")[1:]
        target = nested
        for part in parents:
            target = target.setdefault(part, {})
        target[leaf] = schema["default"]
    warnings: list[str] = []
    settings = structure_settings(nested, warnings.append)
    assert warnings == []
    assert settings == structure_settings({})


def test_sync_script_reports_package_json_current() -> None:
    proc = subprocess.run(
        [sys.executable, str(VSCODE_DIR / "scripts" / "sync_settings.py"), "--check"],
        cwd=REPO,
        capture_output=True,
        text=True,
    )
    assert proc.returncode == 0, proc.stderr
