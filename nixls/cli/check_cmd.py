"""`nixls check`: static diagnostics for files and directories.

Text output is one ``FILE:LINE:COL: SEVERITY[CODE]: MESSAGE`` line per
diagnostic (LINE and COL 1-based, as every `nixls` command prints them:
:meth:`evaluator.syntax.positions.LineIndex.line_col`); ``--format json``
prints one JSON array of objects instead. Hints (unused function arguments,
which are idiomatic) are shown only with ``--hints`` and never change the
exit status. The nearest ``nixls.toml`` above each file adds ignored codes,
severities and excluded paths.

Exit status: 1 when any error is found (or any warning with
``--deny-warnings``), 2 for a missing path or a bad ``nixls.toml``, else 0.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Iterator
from pathlib import Path

from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import CODES, Diagnostic, Severity
from evaluator.syntax import parse
from evaluator.syntax.positions import LineIndex
from nixls.cli import EXIT_NIX_ERROR, EXIT_OK, EXIT_USAGE
from nixls.project_config import ConfigError, ProjectConfig, adjust, config_for, is_excluded


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the options of `nixls check`."""
    parser.add_argument("paths", nargs="+", metavar="PATH", help="files or directories")
    parser.add_argument("--format", choices=("text", "json"), default="text")
    parser.add_argument(
        "--deny-warnings", action="store_true", help="exit with status 1 on warnings too"
    )
    parser.add_argument(
        "--ignore",
        action="append",
        default=[],
        metavar="CODE",
        choices=sorted(CODES),
        help="do not report this diagnostic code (repeatable)",
    )
    parser.add_argument(
        "--hints", action="store_true", help="also show hints (e.g. unused function arguments)"
    )


def nix_files(paths: list[str]) -> Iterator[tuple[str, Path | None, bool]]:
    """Each path given, directories expanded to their ``*.nix`` files (sorted).

    Yields (name, path, found in a directory); a path that does not exist is
    yielded with ``None``.
    """
    for name in paths:
        path = Path(name)
        if path.is_dir():
            for found in sorted(path.rglob("*.nix")):
                if found.is_file():
                    yield str(found), found, True
        elif path.exists():
            yield name, path, False
        else:
            yield name, None, False


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


class _Configs:
    """The project configuration of each folder (read once per file found)."""

    def __init__(self) -> None:
        self.by_folder: dict[Path, ProjectConfig] = {}

    def at(self, path: Path) -> ProjectConfig:
        folder = path.resolve().parent
        found = self.by_folder.get(folder)
        if found is None:
            found = self.by_folder[folder] = config_for(folder)
        return found


def run(args: argparse.Namespace) -> int:
    """Check every file; print the diagnostics; the exit status (module doc)."""
    records: list[dict[str, object]] = []
    status = EXIT_OK
    configs = _Configs()
    for file, path, in_folder in nix_files(args.paths):
        if path is None:
            print(f"nixls check: {file}: no such file or directory", file=sys.stderr)
            status = EXIT_USAGE
            continue
        try:
            config = configs.at(path)
            source = path.read_bytes()
        except ConfigError as exc:
            print(f"nixls check: {exc}", file=sys.stderr)
            return EXIT_USAGE
        except OSError as exc:
            print(f"nixls check: {file}: {exc.strerror}", file=sys.stderr)
            status = EXIT_USAGE
            continue
        if in_folder and is_excluded(path, config.exclude):
            continue
        index = LineIndex(source)
        ignored = config.ignored | set(args.ignore)
        for diag in adjust(check_source(source, file), ignored, config.severity):
            if diag.severity is Severity.HINT and not args.hints:
                continue
            failing = diag.severity is Severity.ERROR or (
                diag.severity is Severity.WARNING and args.deny_warnings
            )
            if failing and status == EXIT_OK:
                status = EXIT_NIX_ERROR
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
    return status
