"""The editor tests are opt-in and never install anything (part of the default run).

Each test runs pytest on the editor tests in a child process whose PATH
starts with an ``apt-get``, ``npm``, ``pip``... that record their call and
fail, and whose home directory is empty: the default run must skip every
test that drives an editor, call none of them and write nothing there; an
opt-in run on a machine without the editors must fail naming the install
script, still without calling any of them.
"""

from __future__ import annotations

import os
import subprocess
import sys
import xml.etree.ElementTree as ET
from pathlib import Path

from editor_env import INSTALL_SCRIPT, OPT_IN_VARIABLE, REPO

HERE = Path(__file__).resolve().parent
INSTALLERS = ("apt", "apt-get", "dpkg", "sudo", "npm", "npx", "pip", "pip3", "curl", "wget")
# The modules whose tests drive a real editor (each sets pytestmark = editors).
EDITOR_MODULES = ("test_emacs.py", "test_neovim.py", "test_vscode_e2e.py", "test_vscode_unit.py")


def _run_pytest(tmp_path: Path, args: list[str], *, path: str) -> tuple[list[ET.Element], str]:
    """Run pytest in a child; return its test cases (JUnit XML) and what it printed.

    Fails if the child called an installer or wrote into its home directory.
    """
    tools = tmp_path / "bin"
    tools.mkdir()
    calls = tmp_path / "installer-calls.log"
    for name in INSTALLERS:
        tool = tools / name
        tool.write_text(f'#!/bin/sh\necho "{name} $*" >> "{calls}"\nexit 1\n', encoding="utf-8")
        tool.chmod(0o755)
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("NIXLS_", "PYTEST_"))}
    env.update(PATH=f"{tools}{os.pathsep}{path}", HOME=str(home))
    junit = tmp_path / "junit.xml"
    proc = subprocess.run(
        [sys.executable, "-m", "pytest", "-p", "no:cacheprovider", f"--junitxml={junit}", *args],
        cwd=REPO,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
        stdin=subprocess.DEVNULL,
    )
    printed = proc.stdout + proc.stderr
    assert not calls.exists(), f"the tests called installers:\n{calls.read_text()}\n{printed}"
    assert sorted(p.name for p in home.iterdir()) == [], f"the tests wrote into ~:\n{printed}"
    assert junit.exists(), printed
    return list(ET.parse(junit).getroot().iter("testcase")), printed


def _module(case: ET.Element) -> str:
    return case.get("classname", "").rsplit(".", 1)[-1] + ".py"


def test_default_run_skips_editor_tests_and_installs_nothing(tmp_path: Path) -> None:
    cases, printed = _run_pytest(
        tmp_path,
        ["-q", str(HERE), f"--ignore={__file__}"],
        path=os.environ.get("PATH", ""),
    )
    assert "passed" in printed and "skipped" in printed, printed
    editor_cases = [c for c in cases if _module(c) in EDITOR_MODULES]
    assert {_module(c) for c in editor_cases} == set(EDITOR_MODULES), printed
    for case in editor_cases:
        skipped = case.find("skipped")
        assert skipped is not None, f"{case.get('name')} ran in the default run"
        reason = skipped.get("message", "")
        assert "-m editors" in reason and OPT_IN_VARIABLE in reason, reason
        assert str(INSTALL_SCRIPT.relative_to(REPO)) in reason, reason
    # The rest of tests/editors (the settings of the extension, pure Python) runs.
    others = [c for c in cases if _module(c) not in EDITOR_MODULES]
    assert others, printed
    assert all(c.find("skipped") is None and c.find("failure") is None for c in others)


def test_opt_in_run_without_the_editors_fails_naming_the_install_script(tmp_path: Path) -> None:
    """No editor on PATH, an empty cache (an empty home): each test fails saying what to run."""
    modules = [str(HERE / "test_neovim.py"), str(HERE / "test_emacs.py")]
    cases, printed = _run_pytest(
        tmp_path,
        ["-q", "-m", "editors", *modules],
        path=str(tmp_path / "nowhere"),
    )
    assert "error" in printed, printed
    assert {_module(c) for c in cases} == {"test_neovim.py", "test_emacs.py"}, printed
    for case in cases:
        problem = case.find("error")
        if problem is None:
            problem = case.find("failure")
        assert problem is not None, f"{case.get('name')} passed without an editor"
        assert str(INSTALL_SCRIPT.relative_to(REPO)) in problem.get("message", ""), printed
