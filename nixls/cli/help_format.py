"""The help formatter of every `nixls` parser (imported with argparse, only
when a command line is given to argparse)."""

from __future__ import annotations

import argparse
import os
import sys


class HelpFormatter(argparse.RawDescriptionHelpFormatter):
    """argparse's formatter, its width read without importing shutil (and
    the compression modules shutil imports): argparse makes a formatter for
    every option it adds, so every run paid for that import."""

    def __init__(
        self,
        prog: str,
        indent_increment: int = 2,
        max_help_position: int = 24,
        width: int | None = None,
    ) -> None:
        if width is None:
            width = _terminal_columns() - 2
        super().__init__(prog, indent_increment, max_help_position, width)


_columns: int | None = None


def _terminal_columns() -> int:
    # As shutil.get_terminal_size: $COLUMNS, else the terminal's, else 80;
    # read once (argparse makes a formatter for every option it adds).
    global _columns
    if _columns is None:
        _columns = _read_columns()
    return _columns


def _read_columns() -> int:
    try:
        columns = int(os.environ.get("COLUMNS", "0"))
    except ValueError:
        columns = 0
    if columns <= 0:
        try:
            columns = os.get_terminal_size(sys.__stdout__.fileno()).columns  # type: ignore[union-attr]
        except (AttributeError, ValueError, OSError):
            columns = 0
    return columns if columns > 0 else 80
