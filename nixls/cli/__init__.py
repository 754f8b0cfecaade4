"""The `nixls` command line: server by default, plus parse/check/eval tools.

Each subcommand lives in its own module exposing ``add_arguments(parser)``
and ``run(args) -> int``; they are imported lazily so `nixls parse` does
not pay for the server's imports.
"""

from __future__ import annotations

import argparse
import importlib
import sys

# subcommand -> (module, help)
COMMANDS: dict[str, tuple[str, str]] = {
    "serve": ("nixls.cli.serve_cmd", "run the language server (default)"),
    "parse": ("nixls.cli.parse_cmd", "parse a file and print its syntax tree or errors"),
    "check": ("nixls.cli.check_cmd", "report static diagnostics for files and directories"),
    "eval": ("nixls.cli.eval_cmd", "evaluate like nix-instantiate --eval"),
}


def build_parser() -> argparse.ArgumentParser:
    """The argument parser with every available subcommand."""
    parser = argparse.ArgumentParser(prog="nixls", description="Nix language server and tools")
    sub = parser.add_subparsers(dest="command")
    for name, (module_name, help_text) in COMMANDS.items():
        try:
            module = importlib.import_module(module_name)
        except ModuleNotFoundError as exc:
            if exc.name != module_name:
                raise
            continue  # not built yet
        module.add_arguments(sub.add_parser(name, help=help_text))
    return parser


def main(argv: list[str] | None = None) -> int:
    """Entry point of the `nixls` console script."""
    argv = sys.argv[1:] if argv is None else argv
    if not argv or argv[0].startswith("--") and argv[0] in ("--stdio", "--tcp"):
        argv = ["serve", *argv]
    parser = build_parser()
    args = parser.parse_args(argv)
    if args.command is None:
        parser.print_help()
        return 2
    module = importlib.import_module(COMMANDS[args.command][0])
    result: int = module.run(args)
    return result


if __name__ == "__main__":
    sys.exit(main())
