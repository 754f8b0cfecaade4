"""NAR (Nix ARchive) serialisation of files, directories and symlinks.

The NAR of a path is what Nix hashes when it adds a path "recursively":
a canonical stream of length-prefixed, 8-byte padded strings where a
directory lists its entries in byte order, a regular file records only
whether it is executable, and a symlink records its target. The tree is
walked with an explicit stack (no Python recursion) and streamed into a
sink, so hashing a large tree does not hold it in memory.
"""

from __future__ import annotations

import hashlib
import os
import stat
from collections.abc import Callable, Iterator
from typing import BinaryIO

from evaluator.store.errors import StoreError
from evaluator.store.hashes import Hash

# Called with the full path of each entry below the root; False drops it.
PathFilter = Callable[[str], bool]
Sink = Callable[[bytes], None]

_CHUNK = 1 << 16
_PAD = b"\0" * 8


def _str(data: bytes) -> bytes:
    n = len(data)
    return n.to_bytes(8, "little") + data + _PAD[: (-n) % 8]


_OPEN = _str(b"(")
_CLOSE = _str(b")")
_MAGIC = _str(b"nix-archive-1")


def os_error(action: str, path: str, err: OSError) -> StoreError:
    """An OS error worded as Nix words it: ``action 'path': reason``."""
    reason = os.strerror(err.errno) if err.errno else str(err)
    return StoreError(f"{action} '{path}': {reason}")


def lstat(path: str) -> os.stat_result:
    """``lstat`` with Nix's error wording."""
    try:
        return os.lstat(path)
    except OSError as e:
        raise os_error("getting status of", path, e) from None


def file_type(st: os.stat_result) -> str:
    """The type name Nix passes to path filters."""
    mode = st.st_mode
    if stat.S_ISREG(mode):
        return "regular"
    if stat.S_ISDIR(mode):
        return "directory"
    if stat.S_ISLNK(mode):
        return "symlink"
    return "unknown"


def sorted_entries(path: str) -> list[str]:
    """The names in directory ``path`` in the byte order NAR uses."""
    try:
        names = os.listdir(path)
    except OSError as e:
        raise os_error("opening directory", path, e) from None
    return sorted(names, key=os.fsencode)


def _dump_file(path: str, st: os.stat_result, sink: Sink) -> None:
    sink(_str(b"type") + _str(b"regular"))
    if st.st_mode & stat.S_IXUSR:
        sink(_str(b"executable") + _str(b""))
    try:
        with open(path, "rb") as f:
            # Read first, then write: the length prefix must be exact even
            # if the file changes under us.
            size = os.fstat(f.fileno()).st_size
            sink(_str(b"contents"))
            sink(size.to_bytes(8, "little"))
            left = size
            while left > 0:
                chunk = f.read(min(_CHUNK, left))
                if not chunk:
                    raise StoreError(f"file '{path}' changed while it was read")
                sink(chunk)
                left -= len(chunk)
    except OSError as e:
        raise os_error("opening file", path, e) from None
    sink(_PAD[: (-size) % 8])


def _open_node(path: str, sink: Sink) -> Iterator[str] | None:
    """Write the start of the node at ``path``; the whole node unless a directory.

    For a directory, returns an iterator over its entry names.
    """
    st = lstat(path)
    sink(_OPEN)
    mode = st.st_mode
    if stat.S_ISREG(mode):
        _dump_file(path, st, sink)
    elif stat.S_ISLNK(mode):
        try:
            target = os.readlink(path)
        except OSError as e:
            raise os_error("reading symbolic link", path, e) from None
        sink(_str(b"type") + _str(b"symlink") + _str(b"target") + _str(os.fsencode(target)))
    elif stat.S_ISDIR(mode):
        sink(_str(b"type") + _str(b"directory"))
        return iter(sorted_entries(path))
    else:
        raise StoreError(f"file '{path}' has an unsupported type")
    sink(_CLOSE)
    return None


def dump_path(path: str, sink: Sink, path_filter: PathFilter | None = None) -> None:
    """Stream the NAR of ``path`` into ``sink``.

    ``path_filter`` is consulted for every entry below the root (never for
    the root itself), with the entry's full path, as Nix does.
    """
    sink(_MAGIC)
    root = _open_node(path, sink)
    stack: list[tuple[str, Iterator[str]]] = []
    if root is not None:
        stack.append((path, root))
    while stack:
        directory, entries = stack[-1]
        name = next(entries, None)
        if name is None:
            stack.pop()
            sink(_CLOSE)  # the directory node
            if stack:
                sink(_CLOSE)  # its entry in the parent
            continue
        child = directory + "/" + name
        if path_filter is not None and not path_filter(child):
            continue
        sink(_str(b"entry") + _OPEN + _str(b"name") + _str(os.fsencode(name)) + _str(b"node"))
        sub = _open_node(child, sink)
        if sub is None:
            sink(_CLOSE)
        else:
            stack.append((child, sub))


def nar_bytes(path: str, path_filter: PathFilter | None = None) -> bytes:
    """The whole NAR of ``path`` (for tests and small inputs)."""
    parts: list[bytes] = []
    dump_path(path, parts.append, path_filter)
    return b"".join(parts)


def hash_path(path: str, algo: str = "sha256", path_filter: PathFilter | None = None) -> Hash:
    """The hash of the NAR of ``path`` ("recursive" ingestion)."""
    h = hashlib.new(algo)
    dump_path(path, h.update, path_filter)
    return Hash(algo, h.digest())


def _open_binary(path: str) -> BinaryIO:
    return open(path, "rb")


def hash_file(
    path: str, algo: str = "sha256", opener: Callable[[str], BinaryIO] = _open_binary
) -> Hash:
    """The hash of the contents of the file at ``path`` ("flat" ingestion).

    ``opener`` opens it (the evaluation's I/O object passes one that refuses
    FIFOs and devices).
    """
    h = hashlib.new(algo)
    try:
        with opener(path) as f:
            while chunk := f.read(_CHUNK):
                h.update(chunk)
    except IsADirectoryError:
        raise StoreError("reading from file: Is a directory") from None
    except OSError as e:
        raise os_error("opening file", path, e) from None
    return Hash(algo, h.digest())
