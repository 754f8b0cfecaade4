"""`nixls eval`: evaluate like ``nix-instantiate --eval``.

Prints the value on stdout exactly as C++ Nix 2.8 does (with ``--strict``,
``--json`` or ``--xml``); on failure prints ``error: ...`` (with location,
and the trace with ``--show-trace``) on stderr and exits with status 1.
The search path comes from ``-I`` options, then ``NIX_PATH``. Budget flags
bound the evaluation; their defaults never stop a normal program.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Mapping
from typing import BinaryIO, TextIO

from evaluator.api import Evaluator, format_error
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import NixError
from evaluator.vm.loop import Budget


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `nixls eval` (the nix-instantiate --eval subset)."""
    p.add_argument("file", nargs="?", help="file to evaluate ('-' for stdin)")
    p.add_argument("-E", "--expr", dest="expr", help="evaluate this expression")
    p.add_argument("--eval", action="store_true", help="accepted for nix-instantiate compatibility")
    p.add_argument("--strict", action="store_true", help="evaluate the result deeply")
    p.add_argument("--json", action="store_true", help="print the result as JSON")
    p.add_argument("--xml", action="store_true", help="print the result as XML")
    p.add_argument(
        "--no-location", action="store_true", help="omit source locations from XML output"
    )
    p.add_argument(
        "--show-trace",
        action=argparse.BooleanOptionalAction,
        default=False,
        help="print the Nix trace of errors",
    )
    p.add_argument(
        "--extra-experimental-features",
        dest="features",
        action="append",
        default=[],
        metavar="FEATURES",
        help="enable these experimental features (e.g. pipe-operators)",
    )
    p.add_argument(
        "-I",
        dest="include",
        action="append",
        default=[],
        metavar="PATH",
        help="add PATH or PREFIX=PATH to the search path",
    )
    p.add_argument(
        "--arg",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "EXPR"),
        help="argument NAME for the function the file evaluates to",
    )
    p.add_argument(
        "--argstr",
        nargs=2,
        action="append",
        default=[],
        metavar=("NAME", "STRING"),
        help="string argument NAME for the function the file evaluates to",
    )
    p.add_argument("-A", "--attr", dest="attr", help="select this attribute path of the result")
    p.add_argument("--max-steps", type=int, default=None, help="stop after this many VM steps")
    p.add_argument("--timeout", type=float, default=None, help="stop after this many seconds")
    p.add_argument(
        "--max-memory",
        type=float,
        default=None,
        metavar="MB",
        help="stop when the allocation estimate exceeds this many megabytes",
    )


def search_path(includes: list[str], nix_path: str | None) -> list[tuple[str, str]]:
    """`-I` entries, then `NIX_PATH` entries, as (prefix, path) pairs."""
    entries: list[str] = list(includes)
    if nix_path:
        entries += [e for e in nix_path.split(":") if e]
    out: list[tuple[str, str]] = []
    for entry in entries:
        prefix, sep, path = entry.partition("=")
        if not sep:
            prefix, path = "", entry
        out.append((prefix, path))
    return out


def experimental_features(flags: list[str], nix_config: str | None) -> frozenset[str]:
    """Features from `--extra-experimental-features` and ``NIX_CONFIG``'s
    ``experimental-features`` / ``extra-experimental-features`` lines."""
    names: set[str] = set()
    for line in (nix_config or "").splitlines():
        key, sep, value = line.partition("=")
        if sep and key.strip() in ("experimental-features", "extra-experimental-features"):
            names.update(value.split())
    for flag in flags:
        names.update(flag.split())
    return frozenset(names)


def run(args: argparse.Namespace) -> int:
    """Evaluate and print; 0 on success, 1 on an evaluation error."""
    return evaluate(args, sys.stdout.buffer, sys.stderr, os.environ)


def main(
    argv: list[str],
    stdout: BinaryIO,
    stderr: TextIO,
    environ: Mapping[str, str] | None = None,
) -> int:
    """`nixls eval ARGV...` with explicit streams (for tests and embedding)."""
    parser = argparse.ArgumentParser(prog="nixls eval")
    add_arguments(parser)
    return evaluate(parser.parse_args(argv), stdout, stderr, environ or os.environ)


def evaluate(
    args: argparse.Namespace, out: BinaryIO, err_out: TextIO, environ: Mapping[str, str]
) -> int:
    """Run parsed `nixls eval` arguments, writing to ``out`` / ``err_out``."""
    ctx = EvalContext(
        search_path=search_path(args.include, environ.get("NIX_PATH")),
        features=experimental_features(args.features, environ.get("NIX_CONFIG")),
    )
    ctx.environ = dict(environ)
    ctx.stderr = err_out
    budget = Budget(
        max_steps=args.max_steps,
        timeout=args.timeout,
        max_memory=int(args.max_memory * 1024 * 1024) if args.max_memory is not None else None,
    )
    ev = Evaluator(ctx, budget=budget)
    try:
        auto_args = {}
        for name, expr in args.arg:
            auto_args[name] = ev.expr_arg(expr)
        for name, text in args.argstr:
            auto_args[name] = text
        if args.expr is not None:
            root = ev.source_thunk(args.expr, base_dir=os.getcwd())
        elif args.file in (None, "-"):
            if args.file is None:
                print("error: no file or expression given (use -E EXPR or -)", file=err_out)
                return 1
            root = ev.source_thunk(sys.stdin.buffer.read(), base_dir=os.getcwd())
        else:
            root = ev.file_thunk(args.file)
        value = ev.eval_value(root, strict=args.strict, attr_path=args.attr, auto_args=auto_args)
        if args.xml:
            text = ev.to_xml(value, strict=args.strict, location=not args.no_location)
        elif args.json:
            text = ev.to_json(value, strict=args.strict)  # Nix adds no newline
        else:
            text = ev.render(value, strict=args.strict) + "\n"
    except NixError as err:
        out.flush()
        print(format_error(err, show_trace=args.show_trace), file=err_out)
        return 1
    except RecursionError:
        print("error: expression too deeply nested", file=err_out)
        return 1
    except Exception as exc:  # a bug: still no traceback for the user
        if environ.get("NIXLS_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc}", file=err_out)
        return 1
    out.write(text.encode("utf-8", "surrogateescape"))
    out.flush()
    return 0
