"""Evaluate Nix files under an audit hook that records every file-system write.

Run by ``test_no_writes.py`` in a fresh interpreter (an audit hook cannot be
removed): ``python no_writes_driver.py CANARY FILE...``. Prints a JSON object with
the writes seen (event, path) and the exit status of each evaluation.
"""

from __future__ import annotations

import io
import json
import os
import sys
from typing import Any

_WRITE_EVENTS = {
    "os.mkdir",
    "os.rename",
    "os.replace",
    "os.remove",
    "os.rmdir",
    "os.symlink",
    "os.link",
    "os.truncate",
    "os.chmod",
    "os.chown",
    "os.utime",
    "shutil.copyfile",
    "shutil.copymode",
    "shutil.copystat",
    "shutil.move",
    "shutil.rmtree",
    "tempfile.mkstemp",
    "tempfile.mkdtemp",
}
_WRITE_FLAGS = os.O_WRONLY | os.O_RDWR | os.O_CREAT | os.O_APPEND | os.O_TRUNC
WRITES: list[tuple[str, str]] = []


def _hook(event: str, args: tuple[Any, ...]) -> None:
    if event == "open":
        path, mode, flags = args
        writing = (isinstance(mode, str) and any(c in mode for c in "wax+")) or (
            isinstance(flags, int) and flags & _WRITE_FLAGS
        )
        # An int "path" is a descriptor whose creation was audited already.
        if writing and isinstance(path, (str, bytes, os.PathLike)):
            WRITES.append((event, str(path)))
    elif event in _WRITE_EVENTS:
        WRITES.append((event, str(args[0]) if args else ""))


def main(canary: str, files: list[str]) -> None:
    """Evaluate each file with ``nixls eval --strict``; print the writes seen.

    ``canary`` is written first, to show that the hook sees writes.
    """
    sys.addaudithook(_hook)
    with open(canary, "w") as f:
        f.write("canary")
    from nixls.cli.eval_cmd import main as eval_main

    codes: dict[str, int] = {}
    for f in files:
        try:
            codes[f] = eval_main(["--strict", f], io.BytesIO(), io.StringIO(), {})
        except Exception:  # a crash is some other test's failure, not a write
            codes[f] = -1
    print(json.dumps({"writes": WRITES, "codes": codes}))


if __name__ == "__main__":
    main(sys.argv[1], sys.argv[2:])
