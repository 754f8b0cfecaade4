"""The on-disk cache of compiled files (``$XDG_CACHE_HOME/nixls/compiled``).

One file per compiled source file, named by the hash of its key: the cache
format, a fingerprint of the evaluator's own code, the caller's version,
the interpreter's version and bytecode tag, the file's path, base directory and mode, ``HOME``
(``~/…`` paths are resolved when compiling) and the BLAKE2b hash of its text. A
changed text, nixls or Python gives another key, so a stale entry is never
read (it ages out under the size bound).

Safe to share: an entry is written to a temporary file and renamed into
place (readers see the old or the new entry, never half of one); writers
merge the units already stored, so two processes evaluating different
parts of a file both keep theirs; an entry that fails its checksum or
cannot be read is deleted and treated as missing. After writing, the
least recently used entries are deleted while the cache is over its size
bound. Every file-system error makes the cache do nothing (a read-only or
full disk costs only the time saved).

Knowing the cache's size without a `stat` of every entry after every write
(tens of thousands in a large cache): a ledger (``.written``) holds the
size a scan found, and each writer appends the bytes it wrote (one short
``O_APPEND`` write, whole even with concurrent writers). Only when the sum
passes the bound, or after :data:`_SCAN_EVERY` writes, is the directory
scanned again (entries deleted, stale temporary files removed) and the
ledger replaced by the size found. The sum overestimates (an entry written
again counts twice), so the bound holds; a write appended while another
process replaces the ledger is lost, which the next scan corrects.
"""

from __future__ import annotations

import marshal
import os
import sys
import threading
import time
from collections.abc import Callable, Mapping
from typing import TYPE_CHECKING

try:  # CPython's own BLAKE2: `hashlib` loads OpenSSL, 3 ms of every start-up
    from _blake2 import blake2b
except ImportError:  # another Python
    from hashlib import blake2b

from evaluator.cache import codec
from evaluator.compiler.compiled import CompiledFile
from evaluator.vm.frames import SourceText

if TYPE_CHECKING:
    from evaluator.compiler.codegen import Compiler

# Raise when the stored data changes meaning.
FORMAT = 1
DEFAULT_MAX_BYTES = 512 * 1024 * 1024
SUFFIX = ".nxc"
# Temporary files older than this are left over from a killed writer.
_STALE_TEMP_S = 3600.0
LEDGER = ".written"
# An entry read is marked used (its time set) only if it was not used for
# this long: the order of least recent use is kept to this precision, without
# a metadata write per entry per run (home-manager reads 768).
_TOUCH_AFTER_S = 600.0
# Writes noted in the ledger before the directory is scanned anyway.
_SCAN_EVERY = 256

_EVALUATOR = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
_fingerprint: str | None = None


def code_fingerprint() -> str:
    """A hash of the code that decides what compiled code is (parser,
    compiler, runtime, this cache): a development change is a new key.

    Each file's name, size and modification time, not its text: an edit or
    a checkout changes the time, and hashing half a megabyte of source was
    a tenth of a warm `nixls eval`."""
    global _fingerprint
    if _fingerprint is None:
        h = blake2b()
        for part in ("syntax", "compiler", "vm", "cache"):
            with os.scandir(os.path.join(_EVALUATOR, part)) as found:
                entries = sorted(found, key=lambda e: e.name)
            for entry in entries:
                if entry.name.endswith((".py", ".lark", ".json")):  # code, grammar, tables
                    st = entry.stat()
                    h.update(f"{entry.name} {st.st_size} {st.st_mtime_ns}\n".encode())
        _fingerprint = h.hexdigest()
    return _fingerprint


def default_directory(environ: Mapping[str, str]) -> str | None:
    """``$XDG_CACHE_HOME/nixls/compiled`` (``~/.cache`` by default), or None without a home."""
    base = environ.get("XDG_CACHE_HOME") or ""
    if not os.path.isabs(base):
        home = environ.get("HOME") or ""
        if not os.path.isabs(home):
            return None
        base = os.path.join(home, ".cache")
    return os.path.join(base, "nixls", "compiled")


class DiskCache:
    """Compiled files stored in ``directory``, at most ``max_bytes`` in all.

    :meth:`load` gives a stored file (or None); :meth:`track` notes a file
    compiled or loaded now, and :meth:`flush` writes the tracked files that
    changed since (units of deferred thunks, functions compiled on first call).
    """

    def __init__(
        self, directory: str, *, max_bytes: int = DEFAULT_MAX_BYTES, version: str = ""
    ) -> None:
        self.directory = directory
        self.max_bytes = max_bytes
        self.version = version
        self.home = os.environ.get("HOME", "")
        self._tracked: dict[str, tuple[CompiledFile, int]] = {}
        self._lock = threading.Lock()

    def key(self, text: bytes, path: str | None, base_dir: str, scoped: bool) -> str:
        """The entry name of a file's (or expression's) compilation."""
        parts = (
            FORMAT,
            code_fingerprint(),
            self.version,
            sys.implementation.cache_tag,  # the interpreter and its bytecode
            sys.hexversion,
            marshal.version,
            path,
            # The base directory only resolves path literals, and every path
            # literal holds a slash: `nixls eval -E 1` hits from any directory.
            base_dir if b"/" in text else "",
            scoped,
            self.home,
            blake2b(text).hexdigest(),
        )
        return blake2b(repr(parts).encode(), digest_size=32).hexdigest()

    def _path(self, key: str) -> str:
        return os.path.join(self.directory, key + SUFFIX)

    def load(
        self, key: str, source: SourceText, rebuild: Callable[[], Compiler]
    ) -> CompiledFile | None:
        """The stored compilation under ``key`` (tracked), or None."""
        path = self._path(key)
        try:
            with open(path, "rb") as f:
                data = f.read()
                used = os.fstat(f.fileno()).st_mtime
        except OSError:
            return None
        try:
            compiled = codec.load(data, key, source, rebuild)
        except codec.Corrupt:
            _remove(path)
            return None
        if time.time() - used > _TOUCH_AFTER_S:
            try:
                os.utime(path)  # recently used: kept longest under the size bound
            except OSError:
                pass
        self.track(key, compiled, stored=True)
        return compiled

    def track(self, key: str, compiled: CompiledFile, *, stored: bool = False) -> None:
        """Remember ``compiled`` (``stored``: as read from the cache) to be
        written by :meth:`flush` when it has units the cache lacks."""
        with self._lock:
            self._tracked[key] = (compiled, compiled.changes if stored else 0)

    def flush(self) -> None:
        """Write the tracked files that changed, then bound the size."""
        with self._lock:
            todo = [(k, c) for k, (c, n) in self._tracked.items() if c.changes > n]
            for key, compiled in todo:
                self._tracked[key] = (compiled, compiled.changes)
        wrote = 0
        for key, compiled in todo:
            wrote += self._write(key, compiled)
        if wrote:
            self.bound(wrote=wrote)

    def _note(self, size: int) -> None:
        """Add ``size`` bytes written to the ledger."""
        try:
            path = os.path.join(self.directory, LEDGER)
            fd = os.open(path, os.O_WRONLY | os.O_APPEND | os.O_CREAT, 0o600)
            try:
                os.write(fd, b"%d\n" % size)
            finally:
                os.close(fd)
        except OSError:
            pass

    def _ledger(self) -> tuple[int, int] | None:
        """The size the ledger adds up to and its number of records (None: no ledger)."""
        try:
            with open(os.path.join(self.directory, LEDGER), "rb") as f:
                lines = f.read().split()
            return sum(map(int, lines)), len(lines)
        except (OSError, ValueError):
            return None

    def _write(self, key: str, compiled: CompiledFile) -> int:
        """Write ``compiled``'s entry (merged with the stored one); its size, 0 if not written."""
        path = self._path(key)
        old: list[codec.RawUnit] | None = None
        for presume_plain in (True, False):
            try:
                units = {u[0]: u for u in codec.raw_units(compiled, presume_plain=presume_plain)}
            except codec.Uncacheable:
                return 0
            if not units:
                return 0
            if old is None:
                old = self._stored_units(path, key)
            for raw in old:
                units.setdefault(raw[0], raw)  # another process's units too
            ordered = [units.pop("main"), *units.values()]
            try:
                data = codec.dump(key, compiled, ordered)
                break
            except ValueError:  # a constant presumed plain is not: ask marshal of each
                continue
        else:
            return 0
        try:
            try:
                fd, tmp = _temporary(self.directory)
            except FileNotFoundError:
                os.makedirs(self.directory, exist_ok=True)
                fd, tmp = _temporary(self.directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(data)
                os.replace(tmp, path)
            except BaseException:
                _remove(tmp)
                raise
        except OSError:
            return 0
        return len(data)

    @staticmethod
    def _stored_units(path: str, key: str) -> list[codec.RawUnit]:
        """The units of the entry at ``path`` (none if missing or unreadable)."""
        try:
            with open(path, "rb") as f:
                return codec.read_raw(f.read(), key)[3]
        except (OSError, codec.Corrupt):
            return []

    def bound(self, *, wrote: int | None = None) -> None:
        """Delete least recently used entries while over the size bound.

        After a write of ``wrote`` bytes, only if the ledger says the cache
        may be over it, or has not been checked for :data:`_SCAN_EVERY`
        writes (a cache without a ledger is scanned)."""
        if wrote is not None:
            found = self._ledger()
            if found is not None:
                self._note(wrote)
                if found[0] + wrote <= self.max_bytes and found[1] + 1 < _SCAN_EVERY:
                    return
        total = self._scan()
        if total is not None:
            self._set_ledger(total)

    def _set_ledger(self, total: int) -> None:
        try:
            fd, tmp = _temporary(self.directory)
            try:
                with os.fdopen(fd, "wb") as f:
                    f.write(b"%d\n" % total)
                os.replace(tmp, os.path.join(self.directory, LEDGER))
            except BaseException:
                _remove(tmp)
                raise
        except OSError:
            pass

    def _scan(self) -> int | None:
        """Delete stale temporary files, then least recently used entries
        while over the bound; the size left (None if unreadable)."""
        try:
            scan = list(os.scandir(self.directory))
        except OSError:
            return None
        entries = []
        total = 0
        now = time.time()
        for entry in scan:
            try:
                st = entry.stat()
            except OSError:
                continue
            if entry.name.startswith(".tmp-"):
                if now - st.st_mtime > _STALE_TEMP_S:
                    _remove(entry.path)
                continue
            if entry.name.endswith(SUFFIX):
                entries.append((st.st_mtime, st.st_size, entry.path))
                total += st.st_size
        if total <= self.max_bytes:
            return total
        entries.sort()
        target = self.max_bytes * 3 // 4  # leave room: not a scan per write
        for _, size, path in entries:
            if total <= target:
                break
            _remove(path)
            total -= size
        return total


def _temporary(directory: str) -> tuple[int, str]:
    """A new file in ``directory`` for writing, named ``.tmp-…``: as
    ``tempfile.mkstemp`` does, without importing tempfile (and shutil)."""
    while True:
        path = os.path.join(directory, f".tmp-{os.getpid()}-{os.urandom(8).hex()}{SUFFIX}")
        try:
            return os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600), path
        except FileExistsError:
            continue


def _remove(path: str) -> None:
    try:
        os.unlink(path)
    except OSError:
        pass
