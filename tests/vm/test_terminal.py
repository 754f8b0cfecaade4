"""Colour codes on standard error: kept only on a terminal, as Nix 2.26's logger.

The expected texts are what `nix226-instantiate --eval` printed for the same
file, its stderr a pipe (with and without ``NO_COLOR``): colour and
hyperlink sequences gone, tabs expanded.
"""

from __future__ import annotations

import io
from pathlib import Path

from evaluator.vm.terminal import filter_ansi_escapes, for_stream, wants_colour
from nixls.cli import eval_cmd

# builtins.trace "a<SGR>b<SGR>c<OSC 8 link>d<TAB>t" (throw "x<SGR>Y<SGR>z<erase line>w")
SOURCE = (
    'builtins.trace "a\x1b[1;35mb\x1b[0mc\x1b]8;;x\x1b\\\\d\tt" '
    '(throw "x\x1b[1mY\x1b[0mz\x1b[2Kw")\n'
)


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_colour_only_on_a_terminal_without_no_color() -> None:
    assert not wants_colour(io.StringIO(), {"TERM": "xterm"})
    assert wants_colour(Terminal(), {"TERM": "xterm"})
    assert not wants_colour(Terminal(), {"TERM": "dumb"})
    assert not wants_colour(Terminal(), {})
    assert not wants_colour(Terminal(), {"TERM": "xterm", "NO_COLOR": ""})
    assert not wants_colour(Terminal(), {"TERM": "xterm", "NOCOLOR": "1"})


def test_a_terminal_keeps_colour_but_no_other_sequence() -> None:
    text = "x\x1b[1mY\x1b[0mz\x1b[2Kw\x1b]8;;u\x07v"
    assert for_stream(text, Terminal(), {"TERM": "xterm"}) == "x\x1b[1mY\x1b[0mzwv"
    assert for_stream(text, io.StringIO(), {"TERM": "xterm"}) == "xYzwv"
    assert filter_ansi_escapes("ab\tc\r\a") == "ab      c"


def test_cli_errors_and_traces_lose_their_colour_in_a_pipe(tmp_path: Path) -> None:
    file = tmp_path / "colour.nix"
    file.write_text(SOURCE)
    out, err = io.BytesIO(), io.StringIO()
    status = eval_cmd.main([str(file), "--no-eval-cache"], out, err, {"TERM": "xterm"})
    assert status == 1
    lines = err.getvalue().splitlines()
    assert lines[0] == "trace: abcd     t"  # as Nix 2.26.3 printed it
    assert lines[-1] == "       error: xYzw"
    assert "\x1b" not in err.getvalue()
