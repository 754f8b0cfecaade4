"""`nixls check`: static diagnostics for files and directories.

Text output is one ``FILE:LINE:COL: SEVERITY[CODE]: MESSAGE`` line per
diagnostic (LINE and COL 1-based, as every `nixls` command prints them:
:meth:`evaluator.syntax.positions.LineIndex.line_col`); ``--format json``
prints one JSON array of objects instead. The exit status is 1 when any
error is found (or any warning with ``--deny-warnings``), else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import Diagnostic, Severity
from evaluator.syntax import parse
from evaluator.syntax.positions import LineIndex


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `nixls check`."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--deny-warnings", action="store_true", help="exit with status 1 on warnings too"
    )


def nix_files(paths: list[str]) -> Iterator[tuple[str, Path | None]]:
    """Each path given, directories expanded to their ``*.nix`` files (sorted).

    A path that does not exist is yielded with ``None``.
    """
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for found in sorted(path.rglob("*.nix")):
                if found.is_file():
                    yield str(found), found
        elif path.exists():
            yield name, path
        else:
            yield name, None


def check_source(source: bytes, file: str) -> list[Diagnostic]:
    """The diagnostics of one file's contents."""
    return analyse(parse(source), file=file).diagnostics


def _record(file: str, index: LineIndex, diag: Diagnostic) -> dict[str, object]:
    line, column = index.line_col(diag.start)
    end_line, end_column = index.line_col(diag.end)
    return {
        "file": file,
        "line": line,
        "column": column,
        "end_line": end_line,
        "end_column": end_column,
        "severity": diag.severity.value,
        "code": diag.code,
        "message": diag.message,
    }


def run(args: argparse.Namespace) -> int:
    """Check every file; print the diagnostics; 1 if any error (or denied warning)."""
    records: list[dict[str, object]] = []
    failed = False
    for file, path in nix_files(args.paths):
        if path is None:
            print(f"nixls check: {file}: no such file or directory", file=sys.stderr)
            failed = True
            continue
        try:
            source = path.read_bytes()
        except OSError as exc:
            print(f"nixls check: {file}: {exc.strerror}", file=sys.stderr)
            failed = True
            continue
        index = LineIndex(source)
        for diag in check_source(source, file):
            if diag.severity is Severity.ERROR:
                failed = True
            elif diag.severity is Severity.WARNING and args.deny_warnings:
                failed = True
            record = _record(file, index, diag)
            if args.format == "json":
                records.append(record)
            else:
                print(
                    f"{file}:{record['line']}:{record['column']}: "
                    f"{record['severity']}[{diag.code}]: {diag.message}"
                )
    if args.format == "json":
        json.dump(records, sys.stdout, indent=2)
        sys.stdout.write("\n")
    return 1 if failed else 0
