"""A private copy of nixpkgs lib 26.11 (its tests may write next to themselves)."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

CORPUS = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11"


@pytest.fixture(scope="session")
def lib26(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of ``tests/data/corpus/nixpkgs-lib-26.11``: the folder holding ``lib/``."""
    root = tmp_path_factory.mktemp("nixpkgs-lib-26.11")
    shutil.copytree(CORPUS / "lib", root / "lib", symlinks=True)
    return root
