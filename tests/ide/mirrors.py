"""Real upstream projects for the tests that run on them: bare git mirrors on
this machine (under $NIXLS_MIRRORS, by default /work/.mirror), unpacked into a
temporary folder; a test using one is skipped where there is none. The
repository keeps no copy of them."""

from __future__ import annotations

import io
import os
import shutil
import subprocess
import tarfile
from pathlib import Path

import pytest

MIRRORS = Path(os.environ.get("NIXLS_MIRRORS", "/work/.mirror"))


def checkout(name: str, into: Path) -> Path:
    """The newest commit of mirror ``name`` (``owner+repo``) unpacked at ``into``, or a skip."""
    bare = MIRRORS / name / "repo"
    if not bare.is_dir() or shutil.which("git") is None:
        pytest.skip(f"no copy of {name} on this machine")
    archive = subprocess.run(
        ["git", "--git-dir", str(bare), "archive", "HEAD"], capture_output=True, check=True
    ).stdout
    with tarfile.open(fileobj=io.BytesIO(archive)) as tar:
        tar.extractall(into, filter="data")
    return into
