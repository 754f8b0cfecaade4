"""Shared set-up for the flake tests: the fixtures in tests/data/flakes, copied where needed.

`two-inputs` has a flake.lock written by C++ Nix 2.26.3; `store-input` locks a
`github:` input to the NAR hash of `util-source/`, which :func:`make_store`
puts into a store directory under the name Nix would give it.
"""

from __future__ import annotations

import json
import os
import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from evaluator.io import EvalIO, ReadPolicy
from evaluator.store import hashes, paths

DATA = Path(__file__).resolve().parents[1] / "data" / "flakes"
TWO_INPUTS = DATA / "two-inputs"
STORE_INPUT = DATA / "store-input"
EXPECTED = json.loads((DATA / "expected.json").read_text())


def copy_flake(name: str, dest: Path) -> Path:
    """A copy of fixture ``name`` under ``dest`` (tests edit their copies)."""
    target = dest / name
    shutil.copytree(DATA / name, target)
    return target


def make_store(store: Path) -> Path:
    """Put `util-source` into ``store`` where its narHash says; returns that path."""
    return store_source(store, STORE_INPUT / "flake.lock", "util", STORE_INPUT / "util-source")


def store_source(store: Path, lock_file: Path, node: str, source: Path) -> Path:
    """Put ``source`` into ``store`` where the narHash of lock node ``node`` says."""
    lock = json.loads(lock_file.read_text())
    nar_hash = lock["nodes"][node]["locked"]["narHash"]
    # The fixture's hash is the one C++ Nix computed: check ours agrees first.
    ours = EvalIO(ReadPolicy.anywhere()).nar_hash(str(source)).sri()
    assert ours == nar_hash
    h = hashes.parse_any(nar_hash, None, nix226=True)
    out = Path(paths.make_fixed_output_path(True, h, "source", str(store)))
    store.mkdir(parents=True, exist_ok=True)
    if not out.exists():
        shutil.copytree(source, out)
    return out


def store_configs_lib(store: Path) -> Path:
    """Put the nixpkgs lib that `configs/system` is locked to into ``store``."""
    lib = DATA.parent / "corpus" / "nixpkgs-lib-26.11" / "lib"
    return store_source(store, DATA / "configs" / "flake.lock", "nixpkgs-lib", lib)


def offset(text: str, needle: str, nth: int = 0, delta: int = 0) -> int:
    """Byte offset of the ``nth`` occurrence of ``needle`` (+ ``delta`` bytes)."""
    data, want = text.encode(), needle.encode()
    at = -1
    for _ in range(nth + 1):
        at = data.index(want, at + 1)
    return at + delta


def with_store_dir(store: Path) -> dict[str, str | None]:
    """Set NIX_STORE_DIR; returns what to restore."""
    saved = {"NIX_STORE_DIR": os.environ.get("NIX_STORE_DIR")}
    os.environ["NIX_STORE_DIR"] = str(store)
    return saved


@contextmanager
def in_store_dir(store: Path) -> Iterator[Path]:
    """NIX_STORE_DIR set to ``store`` while the block runs."""
    saved = with_store_dir(store)
    try:
        yield store
    finally:
        restore_env(saved)


def restore_env(saved: dict[str, str | None]) -> None:
    """Undo :func:`with_store_dir`."""
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value
