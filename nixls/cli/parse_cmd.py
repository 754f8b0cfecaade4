"""`nixls parse FILE|-`: print the expression as ``nix-instantiate --parse`` does.

Like Nix 2.26: exit status 0 with the expression on stdout (desugared, see
:mod:`evaluator.compiler.parse_show`), or 1 with Nix's first error on stderr.

With ``--tree``: exit status 0 with an indented tree (one node per line: kind, byte span,
scalar fields; children indented under their field name) when the input
parses; exit status 1 with one ``FILE:LINE:COL: error: MESSAGE`` line per
syntax error otherwise (LINE and COL 1-based, COL in characters); exit
status 2 when the file cannot be read. Like `nix-instantiate --parse`, it
also rejects undefined variables, duplicate attributes or formals and
dynamic attributes in ``let`` (the compiler's error diagnostics).
"""

from __future__ import annotations

import argparse
import io
import os
import sys
from collections.abc import Iterator
from typing import BinaryIO, TextIO

from evaluator.api import StdinText, first_problem, format_error
from evaluator.compiler import analyse
from evaluator.compiler.diagnostics import Severity
from evaluator.compiler.parse_show import ParseShow
from evaluator.syntax import ParseResult, parse
from evaluator.syntax import nodes as n
from evaluator.syntax.positions import LineIndex
from evaluator.vm.frames import SourceText
from nixls.cli.eval_cmd import experimental_features

_SCALARS = ("name", "value", "op", "path", "message")
_FLAGS = ("rec", "indented", "ellipsis")
MAX_PAD = 32


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Declare the arguments of `nixls parse`."""
    parser.add_argument("file", metavar="FILE", help="a Nix file, or - for standard input")
    parser.add_argument(
        "--extra-experimental-features",
        dest="features",
        action="append",
        default=[],
        metavar="FEATURES",
        help="accept syntax of these experimental features (e.g. pipe-operators)",
    )
    parser.add_argument(
        "--tree",
        action="store_true",
        help="print nixls's syntax tree (and every error) instead of what "
        "nix-instantiate --parse prints",
    )


def _label(node: n.Node) -> str:
    parts = [f"{type(node).__name__} {node.start}..{node.end}"]
    for name in _SCALARS:
        value = getattr(node, name, None)
        if isinstance(value, str | int | float) and not isinstance(value, bool):
            parts.append(f"{name}={value!r}")
    parts.extend(name for name in _FLAGS if getattr(node, name, False) is True)
    return " ".join(parts)


def tree_lines(root: n.Node) -> Iterator[str]:
    """The readable tree, line by line (iterative: trees can be deep)."""
    stack: list[tuple[int, str, n.Node | str]] = [(0, "", root)]
    while stack:
        depth, label, item = stack.pop()
        # Indentation stops growing at MAX_PAD levels (then the depth is
        # written out), so a deep tree's output stays linear in its size.
        pad = "  " * depth if depth <= MAX_PAD else f"{'  ' * MAX_PAD}[{depth}] "
        prefix = f"{label}: " if label else ""
        if isinstance(item, str):
            yield f"{pad}{prefix}{item!r}"
            continue
        yield pad + prefix + _label(item)
        children: list[tuple[int, str, n.Node | str]] = []
        for name in n.field_names(type(item)):
            if name == "resolution":
                continue
            value = getattr(item, name)
            if isinstance(value, n.Node):
                children.append((depth + 1, name, value))
            elif isinstance(value, list):
                for k, element in enumerate(value):
                    if isinstance(element, n.Node | str):
                        children.append((depth + 1, f"{name}[{k}]", element))
        children.reverse()
        stack.extend(children)


def parse_time_errors(result: ParseResult, file: str | None) -> list[tuple[int, str]]:
    """(offset, message) of every error Nix rejects at parse time, in order.

    ``file`` names the file in "already defined at FILE:L:C" (Nix says
    ``(string)`` for standard input: pass ``None``).
    """
    errors = [(e.start, e.message) for e in result.errors]
    for diag in analyse(result, file=file).diagnostics:
        if diag.severity is Severity.ERROR and diag.code != "syntax-error":
            errors.append((diag.start, diag.message))
    errors.sort(key=lambda e: e[0])
    return errors


def run(args: argparse.Namespace) -> int:
    """Parse the file and print the tree (status 0) or its errors (status 1)."""
    return parse_file(args, sys.stdin.buffer, sys.stdout.buffer, sys.stderr)


def main(argv: list[str], stdin: BinaryIO, stdout: BinaryIO, stderr: TextIO) -> int:
    """`nixls parse ARGV...` with explicit streams (for tests and embedding)."""
    parser = argparse.ArgumentParser(prog="nixls parse")
    add_arguments(parser)
    return parse_file(parser.parse_args(argv), stdin, stdout, stderr)


def parse_file(args: argparse.Namespace, stdin: BinaryIO, stdout: BinaryIO, stderr: TextIO) -> int:
    """Parse ``args.file`` and print the result (see the module docstring)."""
    name: str = args.file
    try:
        if name == "-":
            source = stdin.read()
            name = "<stdin>"
        else:
            with open(name, "rb") as f:
                source = f.read()
    except OSError as exc:
        print(f"{name}: error: {exc.strerror or exc}", file=stderr)
        return 2
    result = parse(source)
    out = io.TextIOWrapper(stdout, encoding="utf-8", errors="surrogateescape", newline="\n")
    try:
        if args.tree:
            return _print(result, source, name, args, out)
        features = experimental_features(args.features, os.environ.get("NIX_CONFIG"))
        return _print_nix(result, source, name, features, out, stderr)
    finally:
        out.flush()
        out.detach()


def _print_nix(
    result: ParseResult,
    source: bytes,
    name: str,
    features: frozenset[str],
    out: TextIO,
    err: TextIO,
) -> int:
    """As ``nix-instantiate --parse``: the expression, or Nix's first error."""
    path = None if name == "<stdin>" else os.path.abspath(name)
    text_of = SourceText(path, source) if path else StdinText(None, source)
    problem = first_problem(result, text_of, features)
    if problem is not None:
        err.write(format_error(problem) + "\n")
        return 1
    base = os.path.dirname(path) if path else os.getcwd()
    try:
        text = ParseShow(analyse(result), base, os.environ.get("HOME", "")).show(result.root)
    except RecursionError:
        err.write("error: expression too deeply nested\n")
        return 1
    out.write(text + "\n")
    return 0


def _print(
    result: ParseResult, source: bytes, name: str, args: argparse.Namespace, out: TextIO
) -> int:
    errors = parse_time_errors(result, None if args.file == "-" else name)
    if errors:
        index = LineIndex(source)
        for start, message in errors:
            line, col = index.line_col(start)
            out.write(f"{name}:{line}:{col}: error: {message}\n")
        return 1
    for text in tree_lines(result.root):
        out.write(text + "\n")
    return 0
