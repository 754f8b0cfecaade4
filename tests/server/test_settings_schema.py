"""The settings classes and the schema derived from them (no server needed)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from nixls.settings import EvalDiagnostics, settings_schema, structure_settings

REPO = Path(__file__).resolve().parents[2]


def test_schema_lists_every_documented_setting() -> None:
    schema = settings_schema()
    for key in [
        "nixls.eval.enable",
        "nixls.eval.diagnostics",
        "nixls.eval.budget.steps",
        "nixls.eval.budget.timeoutMs",
        "nixls.eval.budget.memoryMB",
        "nixls.eval.autoArgs",
        "nixls.eval.nixPath",
        "nixls.eval.allowedPaths",
        "nixls.diagnostics.ignored",
        "nixls.inlayHints.values",
        "nixls.codeLens.evaluate",
    ]:
        assert key in schema, key
        assert schema[key]["description"]
    assert schema["nixls.eval.diagnostics"]["enum"] == ["off", "onSave", "onType"]
    assert schema["nixls.eval.diagnostics"]["default"] == "onSave"
    assert schema["nixls.eval.budget.steps"]["type"] == "integer"
    assert schema["nixls.diagnostics.ignored"]["items"] == {"type": "string"}


def test_schema_defaults_are_what_structuring_nothing_gives() -> None:
    schema = settings_schema()
    defaults = structure_settings({})
    assert schema["nixls.eval.budget.timeoutMs"]["default"] == defaults.eval.budget.timeout_ms
    assert schema["nixls.inlayHints.values"]["default"] is defaults.inlay_hints.values


def test_python_m_prints_the_schema_as_json() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "nixls.settings"],
        cwd=REPO,
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert json.loads(out) == settings_schema()


def test_bad_entries_are_reported_and_the_rest_kept() -> None:
    warnings: list[str] = []
    settings = structure_settings(
        {
            "nixls": {
                "eval": {
                    "diagnostics": "onType",
                    "budget": {"steps": "many", "memoryMB": 64},
                    "colour": "blue",
                },
                "diagnostics.ignored": ["unused-binding"],
                "inlayHints": 3,
            }
        },
        warnings.append,
    )
    assert settings.eval.diagnostics is EvalDiagnostics.ON_TYPE
    assert settings.eval.budget.memory_mb == 64
    assert settings.eval.budget.steps == structure_settings({}).eval.budget.steps
    assert settings.diagnostics.ignored == ["unused-binding"]
    assert len(warnings) == 3
    assert any("nixls.eval.budget.steps" in w and '"many"' in w for w in warnings)
    assert any("unknown setting nixls.eval.colour" in w for w in warnings)
    assert any("nixls.inlayHints" in w for w in warnings)


def test_no_coercion_between_json_types() -> None:
    warnings: list[str] = []
    settings = structure_settings(
        {"eval": {"enable": 1, "budget": {"timeoutMs": True}}}, warnings.append
    )
    assert settings.eval.enable is True  # default kept
    assert settings.eval.budget.timeout_ms == 2000
    assert len(warnings) == 2
