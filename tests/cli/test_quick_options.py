"""`nixls eval`'s quick option parser reads what argparse reads, or declines.

`nixls.cli.options.quick_parse` spares a plain `nixls eval` command line
argparse's import and parser (an eighth of a warm run). Generated command
lines, made of `nixls eval`'s own options, values, positionals and stray
tokens, are parsed both ways: when the quick parser answers, argparse
accepts the line and gives the same attributes; when argparse refuses a
line, the quick parser declines it too (argparse then prints its error).
"""

from __future__ import annotations

import argparse
import contextlib
import io

from hypothesis import given, settings
from hypothesis import strategies as st

from nixls.cli import eval_cmd
from nixls.cli.options import Namespace, quick_parse


def _argparse(argv: list[str]) -> argparse.Namespace | None:
    parser = argparse.ArgumentParser(prog="nixls eval")
    eval_cmd.add_arguments(parser)
    try:
        with contextlib.redirect_stderr(io.StringIO()), contextlib.redirect_stdout(io.StringIO()):
            return parser.parse_args(argv)
    except SystemExit:
        return None


_FLAGS = [flag for o in eval_cmd.OPTIONS for flag in o.flags] + ["--no-show-trace"]
_VALUES = ["1", "x.nix", "-", "", "a b", "0.5", "-3", "1e3", "nan", "--strict", "=", "lib.version"]
_STRAY = ["-h", "--help", "--", "--str", "--expr=1", "-E1", "-Ix", "--json=1", "-Z", "file.nix"]
_token = st.one_of(st.sampled_from(_FLAGS), st.sampled_from(_VALUES), st.sampled_from(_STRAY))


@settings(max_examples=600, deadline=None)
@given(st.lists(_token, max_size=8))
def test_quick_parse_agrees_with_argparse(argv: list[str]) -> None:
    quick = eval_cmd.quick_arguments(argv)
    full = _argparse(argv)
    if quick is not None:
        assert full is not None, argv
        assert vars(quick) == vars(full), argv
    if full is None:
        assert quick is None, argv


def test_plain_command_lines_are_read_quickly() -> None:
    # The command lines of everyday use and of the benchmarks: no argparse.
    cases = [
        ["-E", "1"],
        ["lib.nix"],
        ["--strict", "--json", "-A", "a.b", "default.nix"],
        ["--arg", "x", "1", "--argstr", "y", "s", "-I", "nixpkgs=/p", "f.nix"],
        ["--show-trace", "--max-steps", "100", "--timeout", "2.5", "-"],
        ["--no-eval-cache", "--no-show-trace", "--max-call-depth", "0", "--max-memory", "64"],
    ]
    for argv in cases:
        quick = eval_cmd.quick_arguments(argv)
        assert quick is not None, argv
        assert vars(quick) == vars(_argparse(argv)), argv


def test_declined_command_lines() -> None:
    # Abbreviations, help, `--opt=value`, bad numbers, a missing value, two files.
    for argv in (
        ["--str", "-E", "1"],
        ["--help"],
        ["--expr=1"],
        ["--max-steps", "many"],
        ["-A"],
        ["a.nix", "b.nix"],
        ["-E", "-1"],
    ):
        assert eval_cmd.quick_arguments(argv) is None, argv


def test_namespace_compares_by_attributes() -> None:
    a = quick_parse(eval_cmd.OPTIONS, "file", ["-E", "1"])
    assert a == Namespace(**vars(a))
    assert a != Namespace()
    assert "expr='1'" in repr(a)


def test_budget_amounts_must_be_finite_and_not_negative() -> None:
    # `nan` disabled the time check and crashed `--max-memory` with a Python
    # traceback; both parsers refuse such amounts (argparse prints the usage error).
    for argv in (
        ["--timeout", "nan", "-E", "1"],
        ["--timeout", "-1", "-E", "1"],
        ["--max-memory", "nan", "-E", "1"],
        ["--max-memory", "inf", "-E", "1"],
    ):
        assert eval_cmd.quick_arguments(argv) is None, argv
        assert _argparse(argv) is None, argv
    assert vars(eval_cmd.quick_arguments(["--timeout", "0.5", "-E", "1"]) or {})["timeout"] == 0.5
