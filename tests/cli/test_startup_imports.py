"""Start-up: each command imports what it uses and nothing else (issue 16).

Most of the CPU time of a short command is imports, so a command must not
pull in another command's modules, nor `check` the code generator and the
evaluation loop it never runs. Run as the user runs it, in a fresh
interpreter, which then lists the modules it holds.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from tests.cli.nixls_run import ROOT, SAMPLES, environment

_LIST_MODULES = """
import sys
from nixls.cli import main
status = main(sys.argv[1:])
print("\\n".join(sorted(sys.modules)), file=sys.stderr)
sys.exit(status)
"""


def imported(*args: str) -> set[str]:
    """The modules `nixls ARGS...` has imported when it ends (it must succeed)."""
    proc = subprocess.run(
        [sys.executable, "-c", _LIST_MODULES, *args],
        capture_output=True,
        text=True,
        cwd=ROOT,
        env=environment(),
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    return set(proc.stderr.split())


def a_sample() -> Path:
    return sorted(SAMPLES.rglob("*.nix"))[0]


def test_check_imports_no_evaluation() -> None:
    names = imported("check", str(a_sample()))
    assert "nixls.cli.check_cmd" in names
    unused = {
        "evaluator.compiler.codegen",
        "evaluator.api",
        "evaluator.vm.loop",
        "nixls.cli.eval_cmd",
        "nixls.cli.serve_cmd",
        "lark",
        "pygls",
    }
    assert names & unused == set()


def test_eval_imports_no_other_command() -> None:
    names = imported("eval", "-E", "1")
    assert "evaluator.api" in names
    unused = {"nixls.cli.check_cmd", "nixls.cli.parse_cmd", "nixls.cli.serve_cmd", "lark"}
    assert names & unused == set()
