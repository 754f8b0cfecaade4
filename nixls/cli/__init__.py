"""The `nixls` command line: server by default, plus parse/check/eval tools.

Each subcommand lives in its own module exposing ``add_arguments(parser)``
and ``run(args) -> int``; they are imported lazily so `nixls parse` does
not pay for the server's imports.
"""

from __future__ import annotations

import gc
import importlib
import os
import sys

from nixls import __version__

# `typing.TYPE_CHECKING` without importing `typing` here: this module is the
# console script's first import, and what it imports runs before the
# collector is paused (`_CollectorPaused`); `typing` (with `contextlib`)
# then comes with the command's modules, collector off (a warm `nixls
# eval` ran 5 M instructions of collections over start-up objects).
TYPE_CHECKING = False
if TYPE_CHECKING:
    import argparse
    from types import TracebackType
    from typing import Any

# Exit statuses, the same for every subcommand.
EXIT_OK = 0
EXIT_NIX_ERROR = 1  # an error in the Nix code (or findings with --deny-warnings)
EXIT_USAGE = 2  # a usage error, a missing file, a bad nixls.toml
EXIT_INTERRUPTED = 130  # Ctrl-C (128 + SIGINT; also in interrupt.py)

EPILOG = """\
exit status (every command):
  0    success
  1    an error in the Nix code (for check: errors, or warnings with --deny-warnings)
  2    a usage error, a missing file, or a bad nixls.toml
  130  interrupted (Ctrl-C)

Run `nixls COMMAND --help` for the options of a command."""

# subcommand -> (module, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("nixls.cli.serve_cmd", "run the language server (default)"),
    "parse": ("nixls.cli.parse_cmd", "parse a file and print its syntax tree or errors"),
    "check": ("nixls.cli.check_cmd", "report static diagnostics for files and directories"),
    "eval": ("nixls.cli.eval_cmd", "evaluate like nix-instantiate --eval"),
    "env": ("nixls.cli.env_cmd", "show which nixpkgs nixls finds, from where, what is missing"),
}


def build_parser(only: str | None = None) -> argparse.ArgumentParser:
    """The argument parser with every available subcommand.

    ``only``: the parser of that subcommand alone (the others are not
    added), so that a command imports no other command's modules and
    argparse builds no parser it does not use: start-up time is mostly
    imports and set-up.
    """
    import argparse

    from nixls.cli.help_format import HelpFormatter

    parser = argparse.ArgumentParser(
        prog="nixls",
        description="Nix language server and tools",
        epilog=EPILOG,
        formatter_class=HelpFormatter,
    )
    parser.add_argument("--version", action="version", version=f"nixls {__version__}")
    # `prog` given: argparse would otherwise format a usage line to make it.
    sub = parser.add_subparsers(dest="command", prog="nixls")
    for name, (module_name, help_text) in COMMANDS.items():
        if only is not None and name != only:
            continue
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # not built yet
        module.add_arguments(sub.add_parser(name, help=help_text, formatter_class=HelpFormatter))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `nixls` console script (``argv`` None: ``sys.argv``)."""
    status, command = _main(sys.argv[1:] if argv is None else argv, leaves=argv is None)
    if argv is None and (status == EXIT_INTERRUPTED or command in FAST_EXIT):
        # The console script: leave at once, without freeing a huge heap.
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except OSError:  # a closed pipe (`nixls eval … | head`): nothing to tell
                pass
        os._exit(status)
    return status


# Commands whose process ends when they return: no interpreter teardown
# (freeing an evaluation's heap object by object costs a second or more).
FAST_EXIT = ("eval", "check", "parse")


def _main(argv: list[str], *, leaves: bool = False) -> tuple[int, str | None]:
    """Run the command of ``argv``; ``leaves``: the process ends with
    ``os._exit`` when a :data:`FAST_EXIT` command returns (the command may
    then keep its heap to the end instead of freeing it: ``args.leaves``)."""
    if not argv or argv[0].startswith("--") and argv[0] in ("--stdio", "--tcp"):
        argv = ["serve", *argv]
    try:
        with _CollectorPaused():
            args = _quick_arguments(argv)
            if args is None:
                parser = build_parser(argv[0] if argv and argv[0] in COMMANDS else None)
                args = parser.parse_args(argv)
                if args.command is None:
                    parser.print_help()
                    return EXIT_USAGE, None
            module = importlib.import_module(COMMANDS[args.command][0])
            args.leaves = leaves and args.command in FAST_EXIT
        result: int = module.run(args)
        return result, args.command
    except KeyboardInterrupt:
        from nixls.cli.interrupt import say_interrupted

        say_interrupted()
        return EXIT_INTERRUPTED, None


def _quick_arguments(argv: list[str]) -> Any:
    """`nixls eval …` parsed without argparse when its command line is a
    plain one (see :mod:`nixls.cli.options`), else None: importing argparse
    and building the parser were an eighth of a warm evaluation."""
    if not argv or argv[0] != "eval":
        return None
    from nixls.cli import eval_cmd

    args = eval_cmd.quick_arguments(argv[1:])
    if args is not None:
        args.command = "eval"
    return args


class _CollectorPaused:
    """The cyclic collector off while the command is imported and its
    arguments parsed: start-up makes objects that live as long as the
    process (modules, functions, classes), which the collector would
    traverse again and again as they are made for nothing to free. After,
    they go to the oldest generation at once (``freeze`` then ``unfreeze``)."""

    def __enter__(self) -> None:
        self.enabled = gc.isenabled()
        gc.disable()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        if self.enabled:
            gc.freeze()
            gc.unfreeze()
            gc.enable()


if __name__ == "__main__":
    sys.exit(main())
