#!/usr/bin/env python3
"""A `nix-instantiate`-shaped wrapper around `nixls eval`, for nixpkgs' `lib/tests/modules.sh`.

Translates the flags modules.sh passes: `--eval-only` is `--eval`;
`--read-write-mode` means nothing here; `--timeout` is dropped (a one-second
wall clock is a statement about C++ Nix's speed, and this machine is
shared); `--option abort-on-warn true` becomes `NIX_ABORT_ON_WARN=1`, which
Nix 2.26 also reads. Everything else goes to `nixls eval` unchanged.

With ``NIXLS_EVAL_SOCKET`` set, the evaluation runs in a child forked from
:mod:`eval_server` (already imported and warm: no interpreter start-up or
recompilation of lib per check); otherwise `nixls eval` runs in this process.
"""

from __future__ import annotations

import json
import os
import socket
import sys


def translate(argv: list[str], env: dict[str, str]) -> list[str]:
    """`nixls eval` arguments for nix-instantiate ``argv``; may set ``env`` entries."""
    out: list[str] = []
    i = 0
    while i < len(argv):
        arg = argv[i]
        if arg == "--eval-only":
            out.append("--eval")
        elif arg == "--read-write-mode":
            pass
        elif arg == "--timeout":
            i += 1
        elif arg == "--option":
            name, value = argv[i + 1], argv[i + 2]
            if name == "abort-on-warn" and value == "true":
                env["NIX_ABORT_ON_WARN"] = "1"
            i += 2
        else:
            out.append(arg)
        i += 1
    return out


def _via_server(path: str, argv: list[str], env: dict[str, str]) -> int:
    request = json.dumps({"argv": argv, "cwd": os.getcwd(), "env": env}).encode()
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as sock:
        sock.connect(path)
        sock.sendall(request)
        sock.shutdown(socket.SHUT_WR)
        chunks = []
        while chunk := sock.recv(1 << 16):
            chunks.append(chunk)
    reply = json.loads(b"".join(chunks))
    sys.stdout.buffer.write(reply["stdout"].encode("utf-8", "surrogateescape"))
    sys.stderr.write(reply["stderr"])
    return int(reply["status"])


def main() -> int:
    """Run one nix-instantiate command line."""
    env: dict[str, str] = {}
    argv = translate(sys.argv[1:], env)
    server = os.environ.get("NIXLS_EVAL_SOCKET")
    if server:
        return _via_server(server, argv, env)
    os.environ.update(env)
    from nixls.cli import eval_cmd

    return eval_cmd.main(argv, sys.stdout.buffer, sys.stderr)


if __name__ == "__main__":
    sys.exit(main())
