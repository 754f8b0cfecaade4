"""The README's set-up commands stay what CI runs, and the version has one source."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

import nixls

ROOT = Path(__file__).resolve().parent.parent


def _quick_start_commands() -> list[str]:
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    section = readme.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return [block.strip() for block in re.findall(r"```sh\n(.*?)```", section, re.S)]


def test_ci_runs_the_readme_test_command_verbatim() -> None:
    install, test = _quick_start_commands()
    assert "pip install ." in install and "nixls eval" in install
    assert test.endswith("python -m pytest -q"), test
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8")
    command_lines = [line for line in ci.splitlines() if not line.lstrip().startswith("#")]
    assert any(line.startswith(test) for line in command_lines), test


def test_the_version_is_read_from_the_package() -> None:
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    assert "version" not in project["project"]
    assert project["project"]["dynamic"] == ["version"]
    source = project["tool"]["setuptools"]["dynamic"]["version"]["attr"]
    module, name = source.rsplit(".", 1)
    assert module == nixls.__name__
    assert re.fullmatch(r"\d+\.\d+\.\d+", getattr(nixls, name))
