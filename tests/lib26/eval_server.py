"""A forking server of `nixls eval` runs, so a shell test can evaluate hundreds of times fast.

Usage: ``python eval_server.py SOCKET WARMUP_DIR``. It imports nixls, warms
the compile cache by evaluating nixpkgs lib's module tests' entry point in
``WARMUP_DIR`` once, then for each connection forks a child that runs
``nixls eval`` with the request's arguments, directory and environment and
sends back its status, stdout and stderr. Children start from the warm
parent, so nothing one evaluation does is seen by another. Ends on SIGTERM, or
when the process that started it is gone.
"""

from __future__ import annotations

import io
import json
import os
import socket
import sys

from nixls.cli import eval_cmd


def _run(request: dict[str, object]) -> dict[str, object]:
    os.chdir(str(request["cwd"]))
    os.environ.update(request["env"])  # type: ignore[arg-type]
    out = io.BytesIO()
    err = io.StringIO()
    sys.stderr = err  # warnings and traces are written to the process's stderr
    try:
        status = eval_cmd.main(list(request["argv"]), out, err)  # type: ignore[call-overload]
    except SystemExit as e:  # argparse errors
        status = int(e.code or 0)
    return {
        "status": status,
        "stdout": out.getvalue().decode("utf-8", "surrogateescape"),
        "stderr": err.getvalue(),
    }


def _serve_one(conn: socket.socket) -> None:
    chunks = []
    while chunk := conn.recv(1 << 16):
        chunks.append(chunk)
    reply = _run(json.loads(b"".join(chunks)))
    conn.sendall(json.dumps(reply).encode())


def main(path: str, warmup_dir: str) -> None:
    """Warm up, then serve forever (one forked child per connection)."""
    _run(
        {
            "cwd": warmup_dir,
            "env": {},
            "argv": ["--json", "-E", "import ./default.nix { modules = [ ]; }", "-A", "config"],
        }
    )
    sys.stderr = sys.__stderr__
    with socket.socket(socket.AF_UNIX, socket.SOCK_STREAM) as server:
        server.bind(path)
        server.listen(16)
        print("ready", flush=True)
        parent = os.getppid()
        server.settimeout(5)
        while True:
            try:
                conn, _ = server.accept()
            except TimeoutError:
                if os.getppid() != parent:  # the test runner is gone: so are we
                    return
                continue
            conn.settimeout(None)
            pid = os.fork()
            if pid == 0:
                try:
                    _serve_one(conn)
                finally:
                    os._exit(0)
            conn.close()
            while True:
                try:
                    done, _ = os.waitpid(-1, os.WNOHANG)
                except ChildProcessError:
                    break
                if done == 0:
                    break


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2])
