"""`nixls eval`: evaluate like ``nix-instantiate --eval``.

Prints the value on stdout exactly as C++ Nix does (with ``--strict``,
``--json`` or ``--xml``); on failure prints ``error: ...`` (with location,
and the trace with ``--show-trace``) on stderr and exits with status 1.
Without a file or ``-E`` it evaluates ``./default.nix``. The search path
comes from ``-I`` options, then the project's ``nixls.toml``, then
``NIX_PATH``. Budget flags (else ``nixls.toml``'s ``eval.budget``) bound the
evaluation; by default only the call depth is bounded, as Nix's is.
"""

from __future__ import annotations

import math
import os
import sys
import threading
from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, BinaryIO, TextIO

from evaluator.api import CompileCache, Evaluator, format_error, resolve_import_path
from evaluator.cache import DiskCache, default_directory
from evaluator.vm.context import EvalContext
from evaluator.vm.errors import Cancelled, NixError, UsageError
from evaluator.vm.loop import Budget
from nixls import __version__
from nixls.cli import EXIT_INTERRUPTED, EXIT_NIX_ERROR, EXIT_USAGE
from nixls.cli.interrupt import cancel_on_sigint, say_interrupted
from nixls.cli.options import (
    APPEND,
    APPEND_PAIR,
    CLEAR,
    FLAG,
    SWITCH,
    VALUE,
    Namespace,
    Option,
    add_to,
    quick_parse,
)
from nixls.project_config import ConfigError, ProjectConfig, config_for

if TYPE_CHECKING:
    import argparse

    # Parsed options: argparse's, or the quick parser's (the same attributes).
    Args = argparse.Namespace | Namespace

# Calls nested deeper than this stop the evaluation (Nix: max-call-depth).
DEFAULT_MAX_CALL_DEPTH = 1_000_000


# The options of `nixls eval` (the nix-instantiate --eval subset), besides
# the file: argparse builds its parser from them (help, errors, unusual
# command lines) and `options.quick_parse` reads the plain ones without it.
def amount(text: str) -> float:
    """A budget flag's number of seconds or megabytes: finite and not
    negative (``nan`` would disable the check, ``inf`` cannot be a size)."""
    value = float(text)
    if not math.isfinite(value) or value < 0:
        raise ValueError(text)
    return value


OPTIONS = (
    Option(("-E", "--expr"), VALUE, "evaluate this expression"),
    Option(("--eval",), FLAG, "accepted for nix-instantiate compatibility"),
    Option(("--strict",), FLAG, "evaluate the result deeply"),
    Option(("--json",), FLAG, "print the result as JSON"),
    Option(("--xml",), FLAG, "print the result as XML"),
    Option(("--no-location",), FLAG, "omit source locations from XML output"),
    Option(("--show-trace",), SWITCH, "print the Nix trace of errors", default=False),
    Option(
        ("--extra-experimental-features",),
        APPEND,
        "enable these experimental features (e.g. pipe-operators, flakes)",
        dest="features",
        default=[],
        metavar="FEATURES",
    ),
    Option(
        ("-I",),
        APPEND,
        "add PATH or PREFIX=PATH to the search path",
        dest="include",
        default=[],
        metavar="PATH",
    ),
    Option(
        ("--arg",),
        APPEND_PAIR,
        "argument NAME for the function the file evaluates to",
        default=[],
        metavar=("NAME", "EXPR"),
    ),
    Option(
        ("--argstr",),
        APPEND_PAIR,
        "string argument NAME for the function the file evaluates to",
        default=[],
        metavar=("NAME", "STRING"),
    ),
    Option(("-A", "--attr"), VALUE, "select this attribute path of the result"),
    Option(("--max-steps",), VALUE, "stop after this many VM steps", type=int),
    Option(("--timeout",), VALUE, "stop after this many seconds", type=amount),
    Option(
        ("--max-memory",),
        VALUE,
        "stop when the allocation estimate exceeds this many megabytes",
        metavar="MB",
        type=amount,
    ),
    Option(
        ("--no-eval-cache",),
        CLEAR,
        "neither read nor write compiled files in $XDG_CACHE_HOME/nixls "
        "(also: eval.compileCache = false in nixls.toml)",
        dest="eval_cache",
    ),
    Option(
        ("--max-call-depth",),
        VALUE,
        f"stop when calls nest deeper than N, tail calls included "
        f"(default {DEFAULT_MAX_CALL_DEPTH:,}; 0: no limit)",
        metavar="N",
        type=int,
    ),
)


def add_arguments(p: argparse.ArgumentParser) -> None:
    """Options of `nixls eval` (the nix-instantiate --eval subset)."""
    p.add_argument(
        "file", nargs="?", help="file to evaluate ('-' for stdin; default ./default.nix)"
    )
    add_to(p, OPTIONS)


def quick_arguments(argv: list[str]) -> Namespace | None:
    """``argv`` (after ``eval``) parsed without argparse, or None when
    argparse must read it (see :func:`nixls.cli.options.quick_parse`)."""
    return quick_parse(OPTIONS, "file", argv)


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


# What the console script's evaluation made, kept to the end: the process
# leaves with `os._exit` once `run` returns (``args.leaves``), and letting go
# of the evaluation's heap as `evaluate` returned freed it object by object
# first (~1% of a warm home-manager run, for nothing).
_KEPT: list[Any] = []


def run(args: Args) -> int:
    """Evaluate and print; the exit status of :func:`evaluate`."""
    _KEPT.clear()
    keep = _KEPT if getattr(args, "leaves", False) else None
    return evaluate(args, sys.stdout.buffer, sys.stderr, os.environ, keep=keep)


def main(
    argv: list[str],
    stdout: BinaryIO,
    stderr: TextIO,
    environ: Mapping[str, str] | None = None,
) -> int:
    """`nixls eval ARGV...` with explicit streams (for tests and embedding)."""
    args: Args | None = quick_arguments(argv)
    if args is None:
        import argparse

        parser = argparse.ArgumentParser(prog="nixls eval")
        add_arguments(parser)
        args = parser.parse_args(argv)
    return evaluate(args, stdout, stderr, environ or os.environ)


def _file(args: Args) -> str | None:
    """The absolute file to evaluate (``./default.nix`` if none given), or None."""
    if args.expr is not None or args.file == "-":
        return None
    return resolve_import_path(os.path.abspath(args.file or "default.nix"))


def _budget(args: Args, config: ProjectConfig) -> Budget:
    """Budget flags, else the project's ``eval.budget``, else the defaults."""

    def pick(flag: float | None, key: str, scale: float, default: float | None = None) -> Any:
        if flag is not None:
            return flag
        value = config.get(f"eval.budget.{key}", default)
        return None if value is None else value * scale

    memory_mb = pick(args.max_memory, "memoryMB", 1)
    return Budget(
        max_steps=pick(args.max_steps, "steps", 1),
        timeout=pick(args.timeout, "timeoutMs", 1 / 1000),
        max_memory=int(memory_mb * 1024 * 1024) if memory_mb is not None else None,
        max_call_depth=pick(args.max_call_depth, "maxCallDepth", 1, DEFAULT_MAX_CALL_DEPTH) or None,
        cancel=threading.Event(),
    )


def compile_cache(args: Args, config: ProjectConfig, environ: Mapping[str, str]) -> CompileCache:
    """The compile cache of a run: on disk unless opted out (or without a home)."""
    if args.eval_cache and config.get("eval.compileCache", True):
        directory = default_directory(environ)
        if directory is not None:
            return CompileCache(disk=DiskCache(directory, version=__version__))
    return CompileCache()


def evaluate(
    args: Args,
    out: BinaryIO,
    err_out: TextIO,
    environ: Mapping[str, str],
    keep: list[Any] | None = None,
) -> int:
    """Run parsed `nixls eval` arguments, writing to ``out`` / ``err_out``.

    Exit status: 0 success, 1 an error in the Nix code, 2 a missing file or
    bad ``nixls.toml``, 130 interrupted (SIGINT stops the evaluation).
    ``keep`` receives the evaluator and the value (not freed on return).
    """
    file = _file(args)
    try:
        config = config_for(os.path.dirname(file) if file else os.getcwd())
    except ConfigError as exc:
        print(f"error: {exc}", file=err_out)
        return EXIT_USAGE
    if file is not None and not os.path.isfile(file):
        print(f"error: path '{file}' does not exist", file=err_out)
        return EXIT_USAGE
    includes = [*args.include, *config.get("eval.nixPath", [])]
    ctx = EvalContext(
        search_path=search_path(includes, environ.get("NIX_PATH")),
        experimental_features=experimental_features(args.features, environ.get("NIX_CONFIG")),
    )
    ctx.environ = dict(environ)
    ctx.stderr = err_out
    budget = _budget(args, config)
    assert isinstance(budget.cancel, threading.Event)
    # Read before Ctrl-C means "cancel the evaluation" (until then it interrupts).
    stdin = sys.stdin.buffer.read() if file is None and args.expr is None else b""
    ev = Evaluator(
        ctx,
        budget=budget,
        compile_cache=compile_cache(args, config, environ),
        one_shot=True,  # one evaluation, then the process ends
    )
    if keep is not None:
        keep.append(ev)
    with cancel_on_sigint(budget.cancel):
        try:
            return _evaluate(ev, args, file, stdin, config, out, err_out, keep)
        finally:
            ev.compile_cache.flush()


def _evaluate(
    ev: Evaluator,
    args: Args,
    file: str | None,
    stdin: bytes,
    config: ProjectConfig,
    out: BinaryIO,
    err_out: TextIO,
    keep: list[Any] | None = None,
) -> int:
    try:
        auto_args: dict[str, Any] = {}
        for name, expr in config.get("eval.autoArgs", {}).items():
            auto_args[name] = ev.expr_arg(expr)
        for name, expr in args.arg:
            auto_args[name] = ev.expr_arg(expr)
        for name, text in args.argstr:
            auto_args[name] = text
        if args.expr is not None:
            root = ev.source_thunk(args.expr, base_dir=os.getcwd())
        elif file is None:
            root = ev.source_thunk(stdin, base_dir=os.getcwd())
        else:
            root = ev.file_thunk(file)
        # `--json` forces as it prints, as Nix's JSON printer does: one walk,
        # and a derivation prints as its `outPath` without its other
        # attributes being forced. Otherwise the value is forced deeply once.
        deep = args.strict and (args.xml or not args.json)
        value = ev.eval_value(root, strict=deep, attr_path=args.attr, auto_args=auto_args)
        if keep is not None:
            keep += (root, value)
        if args.xml:
            text = ev.to_xml(value, strict=args.strict, location=not args.no_location)
        elif args.json:
            text = ev.to_json(value, strict=args.strict)  # Nix adds no newline
        else:
            text = ev.render(value) + "\n"  # forced deeply above when --strict
    except Cancelled:
        say_interrupted(err_out)
        return EXIT_INTERRUPTED
    except NixError as err:
        out.flush()
        # Colour codes in messages (nixpkgs lib has some) only on a terminal, as Nix.
        report = format_error(err, show_trace=args.show_trace)
        from evaluator.vm.terminal import for_stream  # only an error needs it

        print(for_stream(report, err_out, ev.context.environ), file=err_out)
        if isinstance(err, UsageError):
            print("Try 'nix-instantiate --help' for more information.", file=err_out)
        return EXIT_NIX_ERROR
    except RecursionError:
        print("error: expression too deeply nested", file=err_out)
        return EXIT_NIX_ERROR
    except Exception as exc:  # a bug: still no traceback for the user
        if os.environ.get("NIXLS_DEBUG"):
            raise
        print(f"error: internal error: {type(exc).__name__}: {exc}", file=err_out)
        return EXIT_NIX_ERROR
    out.write(text.encode("utf-8", "surrogateescape"))
    out.flush()
    return 0
