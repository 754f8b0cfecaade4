"""nixpkgs lib 26.11 passes its own evaluation tests under `nixls eval --strict`.

Run from a copy of the lib, as its README says Nix 2.26.3 runs them:
`runTests` files print `[ ]` when every test passes, the path library's unit
tests print `null`; the warnings on stderr are the ones 2.26.3 prints.
"""

from __future__ import annotations

import io
from pathlib import Path

import pytest

from nixls.cli import eval_cmd

MISC_WARNINGS = [
    "evaluation warning: lib.cli.toGNUCommandLine is deprecated, please use "
    "lib.cli.toCommandLine or lib.cli.toCommandLineShellGNU instead.",
    "evaluation warning: lib.cli.toGNUCommandLineShell is deprecated, please use "
    "lib.cli.toCommandLineShell or lib.cli.toCommandLineShellGNU instead.",
    "evaluation warning: Using `lib.generators.toPlist` without `escape = true` is deprecated",
]


def run(lib26: Path, capsys: pytest.CaptureFixture[str], argv: list[str]) -> tuple[int, str, str]:
    """`nixls eval --strict ARGV` in ``lib26``: status, stdout, stderr (errors, warnings)."""
    with pytest.MonkeyPatch.context() as mp:
        mp.chdir(lib26)
        out = io.BytesIO()
        err = io.StringIO()
        status = eval_cmd.main(["--strict", *argv], out, err)
    # Warnings go to the process's stderr, errors to ``err``.
    return status, out.getvalue().decode(), err.getvalue() + capsys.readouterr().err


@pytest.mark.parametrize(
    ("argv", "printed", "warnings"),
    [
        (["lib/tests/misc.nix"], "[ ]\n", MISC_WARNINGS),
        (["lib/tests/systems.nix"], "[ ]\n", []),
        (["lib/tests/fetchers.nix"], "[ ]\n", []),
        (["lib/path/tests/unit.nix", "--arg", "libpath", "./lib"], "null\n", []),
    ],
    ids=["misc", "systems", "fetchers", "path-unit"],
)
def test_lib_tests_pass(
    lib26: Path,
    capsys: pytest.CaptureFixture[str],
    argv: list[str],
    printed: str,
    warnings: list[str],
) -> None:
    status, out, err = run(lib26, capsys, argv)
    assert (status, out) == (0, printed), err[-3000:]
    assert err.splitlines() == warnings


def test_lib_version_and_minimum_nix(lib26: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """`lib/minfeatures.nix` finds every feature it needs (`nixVersion` >= 2.18)."""
    expr = (
        "let lib = import ./lib; in [ lib.version builtins.nixVersion "
        "(import ./lib/minfeatures.nix).missing ]"
    )
    status, out, err = run(lib26, capsys, ["-E", expr])
    assert (status, out) == (0, '[ "26.11pre-git" "2.26.3" [ ] ]\n'), err
