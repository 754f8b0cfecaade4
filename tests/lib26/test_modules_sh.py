"""nixpkgs lib 26.11's module-system test suite, `lib/tests/modules.sh`, against nixls.

The script calls `nix-instantiate` 407 times (`--eval-only --json
--show-trace ... -A attr`) and counts passing checks. Here `nix-instantiate`
on PATH is :mod:`nix_instantiate`, a wrapper around `nixls eval`, served by
:mod:`eval_server` (forked, pre-warmed evaluations: the checks are many and
each is small). Nix 2.26.3 passes 404 (three need a store that can add
paths); nixls must pass at least as many.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
NIX_226_PASSES = 404


def _wrapper_bin(tmp: Path) -> Path:
    bin_dir = tmp / "bin"
    bin_dir.mkdir()
    script = bin_dir / "nix-instantiate"
    script.write_text(f'#!/bin/sh\nexec "{sys.executable}" "{HERE / "nix_instantiate.py"}" "$@"\n')
    script.chmod(0o755)
    return bin_dir


def test_modules_sh(lib26: Path, tmp_path: Path) -> None:
    socket_path = tmp_path / "eval.sock"
    modules_dir = lib26 / "lib" / "tests" / "modules"
    server = subprocess.Popen(
        [sys.executable, str(HERE / "eval_server.py"), str(socket_path), str(modules_dir)],
        stdout=subprocess.PIPE,
        text=True,
    )
    try:
        assert server.stdout is not None
        assert server.stdout.readline().strip() == "ready"
        env = dict(os.environ)
        env["PATH"] = f"{_wrapper_bin(tmp_path)}{os.pathsep}{env['PATH']}"
        env["NIXLS_EVAL_SOCKET"] = str(socket_path)
        start = time.monotonic()
        proc = subprocess.run(
            ["bash", str(lib26 / "lib" / "tests" / "modules.sh")],
            capture_output=True,
            text=True,
            env=env,
            timeout=1200,
        )
        elapsed = time.monotonic() - start
    finally:
        server.terminate()
        server.wait(10)
    output = proc.stdout + proc.stderr
    passed = re.search(r"^(\d+) Pass$", output, re.M)
    failed = re.search(r"^(\d+) Fail$", output, re.M)
    assert passed is not None and failed is not None, output[-5000:]
    failures = re.findall(r"TEST FAILED.* at (\S+)", output)
    counts = f"{passed.group(1)} pass, {failed.group(1)} fail"
    print(f"modules.sh: {counts} in {elapsed:.0f} s; failed: {failures}")
    assert int(passed.group(1)) + int(failed.group(1)) == 407
    assert int(passed.group(1)) >= NIX_226_PASSES, failures
