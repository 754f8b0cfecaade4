"""`nixls serve [--stdio | --tcp HOST:PORT]`: run the language server."""

from __future__ import annotations

import argparse
import logging
import sys


def add_arguments(parser: argparse.ArgumentParser) -> None:
    """Options of `nixls serve`."""
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--stdio", action="store_true", help="speak JSON-RPC on stdin/stdout (default)"
    )
    mode.add_argument("--tcp", metavar="HOST:PORT", help="listen on a TCP socket instead")
    parser.add_argument(
        "--log-level",
        default="WARNING",
        choices=["DEBUG", "INFO", "WARNING", "ERROR"],
        help="level of the log written to stderr",
    )


def _host_port(value: str) -> tuple[str, int]:
    host, sep, port = value.rpartition(":")
    if not sep or not port.isdigit():
        raise ValueError(f"--tcp expects HOST:PORT, got {value!r}")
    return host or "127.0.0.1", int(port)


def run(args: argparse.Namespace) -> int:
    """Start the server; returns when the client disconnects or exits."""
    logging.basicConfig(stream=sys.stderr, level=getattr(logging, args.log_level))
    address = None
    if args.tcp:
        try:
            address = _host_port(args.tcp)
        except ValueError as exc:
            print(f"nixls: {exc}", file=sys.stderr)
            return 2
    from nixls.lsp.server import build_server  # the LSP stack is slow to import

    server = build_server()
    if address is not None:
        server.start_tcp(*address)
    else:
        server.start_io()
    return 0
