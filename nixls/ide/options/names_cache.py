"""The names of computed configurations, kept across server restarts.

Naming the configurations a flake computes (:mod:`.computed`) costs an
evaluation of the flake and one per configuration: seconds to minutes. The
result — each configuration's name and the module files its evaluation
read — is stored under ``$XDG_CACHE_HOME/nixls/options`` (the compile
cache's place and opt-out: ``eval.compileCache = false``), one JSON file
per flake and kind, named by a hash of the flake's folder, the kind, the
nixls version and the contents of ``flake.nix`` and ``flake.lock``.

An entry also records what the evaluations read: each file's SHA-256, each
listed folder's names, each path whose existence was asked. It is used only
while all of these are still so (store paths excepted: they never change),
so an edited host file, a new file in a folder read with ``readDir`` or a
changed local input makes it stale. Entries are written to a temporary file
and renamed into place (concurrent writers: the last one wins, readers see
a whole entry); an entry that cannot be read or is not what is expected is
treated as missing; past :data:`MAX_ENTRIES` the oldest are deleted. Every
file-system error makes the cache do nothing.
"""

from __future__ import annotations

import hashlib
import json
import os
import tempfile
import threading
from collections.abc import Mapping
from typing import Any

from evaluator.cache import default_directory
from evaluator.io import EvalIO
from nixls import __version__

FORMAT = 1
MAX_ENTRIES = 256  # older entries (flakes edited since, gone) are deleted past this
STORE = "/nix/store/"
# A configuration and the module files it applies to (None: the stand-in's).
Configuration = tuple[str, tuple[str, ...] | None]


def directory(environ: Mapping[str, str]) -> str | None:
    """``$XDG_CACHE_HOME/nixls/options`` (``~/.cache`` by default), or None without a home."""
    compiled = default_directory(environ)  # …/nixls/compiled
    return None if compiled is None else os.path.join(os.path.dirname(compiled), "options")


# ---------------------------------------------------------------- what was read


def file_digest(path: str) -> str:
    """The SHA-256 of a file's contents ("-": it cannot be read)."""
    try:
        with open(path, "rb") as f:
            return "f:" + hashlib.file_digest(f, "sha256").hexdigest()
    except OSError:
        return "-"


def _listing_digest(path: str) -> str:
    try:
        names = sorted(os.listdir(path))
    except OSError:
        return "-"
    return "d:" + hashlib.sha256("\0".join(names).encode()).hexdigest()


def _exists_digest(path: str) -> str:
    return "e:1" if os.path.lexists(path) else "e:0"


_DIGESTS = {"f": file_digest, "d": _listing_digest, "e": _exists_digest}


class Reads:
    """What some evaluations read from disk: (kind, path) -> digest (thread-safe)."""

    def __init__(self) -> None:
        self.seen: dict[str, str] = {}  # "KIND path" -> digest
        self._lock = threading.Lock()

    def note(self, kind: str, path: str | None) -> None:
        """Record that ``path`` was read as ``kind`` (f: file, d: folder, e: existence)."""
        if path is None or path.startswith(STORE):
            return
        entry = f"{kind} {path}"
        with self._lock:
            if entry not in self.seen:
                self.seen[entry] = _DIGESTS[kind](path)


class TrackingIO(EvalIO):
    """:class:`EvalIO` noting in :class:`Reads` what it read, by where it is on disk."""

    def __init__(self, policy: Any, reads: Reads) -> None:
        super().__init__(policy)
        self.reads = reads

    def read_file(self, path: str) -> bytes:
        """The file's contents, noted."""
        data = super().read_file(path)
        if self.written(path) is None:
            self.reads.note("f", self.on_disk(path))
        return data

    def read_dir(self, path: str) -> list[tuple[str, str]]:
        """The folder's entries, noted."""
        found = super().read_dir(path)
        self.reads.note("d", self.on_disk(path))
        return found

    def list_dir(self, path: str) -> list[str]:
        """The folder's names, noted."""
        found = super().list_dir(path)
        self.reads.note("d", self.on_disk(path))
        return found

    def path_exists(self, path: str) -> bool:
        """Whether the path exists, noted."""
        found = super().path_exists(path)
        self.reads.note("e", self.on_disk(path))
        return found


def _still_so(seen: Mapping[str, str]) -> bool:
    for entry, digest in seen.items():
        kind, _, path = entry.partition(" ")
        measure = _DIGESTS.get(kind)
        if measure is None or measure(path) != digest:
            return False
    return True


# ---------------------------------------------------------------- entries


def _entry_path(cache_dir: str, flake_dir: str, kind: str) -> str:
    parts = [str(FORMAT), __version__, os.path.abspath(flake_dir), kind]
    for name in ("flake.nix", "flake.lock"):
        parts.append(file_digest(os.path.join(flake_dir, name)))
    key = hashlib.sha256("\0".join(parts).encode()).hexdigest()
    return os.path.join(cache_dir, key + ".json")


def load(cache_dir: str, flake_dir: str, kind: str) -> list[Configuration] | None:
    """The stored configurations of ``kind`` of the flake, if still valid."""
    try:
        with open(_entry_path(cache_dir, flake_dir, kind), "rb") as f:
            data = json.loads(f.read())
    except (OSError, ValueError):
        return None
    found = _configurations(data)
    if found is None or not _still_so(data["reads"]):
        return None
    return found


def _configurations(data: Any) -> list[Configuration] | None:
    """The configurations of a decoded entry (None: it is not one)."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        return None
    reads, configs = data.get("reads"), data.get("configurations")
    if not isinstance(reads, dict) or not all(
        isinstance(k, str) and isinstance(v, str) for k, v in reads.items()
    ):
        return None
    if not isinstance(configs, list) or not configs:
        return None
    out: list[Configuration] = []
    for item in configs:
        if not isinstance(item, dict) or not isinstance(item.get("name"), str):
            return None
        files = item.get("files")
        if files is not None and not (
            isinstance(files, list) and all(isinstance(f, str) for f in files)
        ):
            return None
        out.append((item["name"], None if files is None else tuple(files)))
    return out


def store(
    cache_dir: str, flake_dir: str, kind: str, found: list[Configuration], reads: Reads
) -> None:
    """Keep ``found`` for the next server (nothing happens on a file-system error)."""
    data = {
        "format": FORMAT,
        "flake": os.path.abspath(flake_dir),
        "kind": kind,
        "configurations": [
            {"name": name, "files": None if files is None else list(files)} for name, files in found
        ],
        "reads": dict(reads.seen),
    }
    target = _entry_path(cache_dir, flake_dir, kind)
    try:
        os.makedirs(cache_dir, exist_ok=True)
        fd, temp = tempfile.mkstemp(dir=cache_dir, prefix=".tmp-", suffix=".json")
        try:
            with os.fdopen(fd, "w") as f:
                json.dump(data, f)
            os.replace(temp, target)
        except BaseException:
            os.unlink(temp)
            raise
        _prune(cache_dir, target)
    except OSError:
        return


def _prune(cache_dir: str, kept: str) -> None:
    """Delete the least recently written entries past :data:`MAX_ENTRIES` (not ``kept``)."""
    entries = []
    with os.scandir(cache_dir) as found:
        for entry in found:
            if entry.name.endswith(".json") and entry.path != kept and entry.name[0] != ".":
                try:
                    entries.append((entry.stat().st_mtime, entry.path))
                except OSError:
                    continue
    for _mtime, path in sorted(entries)[: max(0, len(entries) + 1 - MAX_ENTRIES)]:
        try:
            os.unlink(path)
        except OSError:
            continue
