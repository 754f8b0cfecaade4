"""The console script's `nixls eval` keeps its heap to `os._exit` (no
freeing object by object as `evaluate` returns: load22)."""

from __future__ import annotations

from pathlib import Path

import pytest

from nixls import cli
from nixls.cli import eval_cmd


def test_the_console_run_keeps_the_evaluation_and_a_called_one_does_not(
    tmp_path: Path, capfdbinary: pytest.CaptureFixture[bytes]
) -> None:
    file = tmp_path / "a.nix"
    file.write_text("{ a = [ 1 2 ]; }")
    argv = ["eval", "--strict", "--no-eval-cache", str(file)]
    # As the console script runs it: the process leaves with `os._exit` after.
    status, command = cli._main(argv, leaves=True)
    assert (status, command) == (0, "eval")
    assert capfdbinary.readouterr().out == b"{ a = [ 1 2 ]; }\n"
    kinds = [type(k).__name__ for k in eval_cmd._KEPT]
    assert kinds[0] == "Evaluator" and len(kinds) == 3
    # Called by a program that goes on (`cli.main(argv)`): nothing kept.
    assert cli._main(argv) == (0, "eval")
    assert eval_cmd._KEPT == []
    assert capfdbinary.readouterr().out == b"{ a = [ 1 2 ]; }\n"
