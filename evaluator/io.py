"""The I/O seam of an evaluation: every file access, under one read policy.

An evaluation touches the file system only through the :class:`EvalIO` of
its :class:`~evaluator.vm.context.EvalContext`: reading files (`import`,
`readFile`), listing directories (`readDir`, source filters), path checks
(`pathExists`, `findFile`, `<...>` lookups) and hashing paths for the
store (`"${./dir}"`, `builtins.path`, `hashFile`). So the policy is
checked here, once, with one message, and a caller (the language server)
can give an evaluation an I/O object of its own.

The policy (:class:`ReadPolicy`) says which directory trees and which
single files may be read. Outside it, reads fail with
:data:`FORBIDDEN` and existence checks answer "no" (they reveal nothing).
FIFOs, devices and sockets are never read: opening one could block the
evaluation forever.

Nothing is copied to a store: a source the evaluation "added" (a flake's
source, `"${./dir}"`, `builtins.path`) is recorded with :meth:`EvalIO.add_source`,
and every access below its store path is mapped back to the folder it came
from (keeping only what a source filter kept) before the policy is checked.
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from typing import TYPE_CHECKING, BinaryIO

from evaluator.vm.errors import NixError

if TYPE_CHECKING:
    from evaluator.store.hashes import Hash
    from evaluator.store.nar import PathFilter

__all__ = ["EvalIO", "ReadPolicy", "AccessDenied", "forbidden_message"]


def forbidden_message(path: str) -> str:
    """The one message for a path the policy does not let an evaluation read."""
    return f"access to absolute path '{path}' is forbidden in restricted mode"


class AccessDenied(NixError):
    """A path outside what the evaluation's :class:`ReadPolicy` allows."""

    def __init__(self, path: str) -> None:
        super().__init__(forbidden_message(path))
        self.path = path


def _real(path: str) -> str:
    return os.path.realpath(path)


class ReadPolicy:
    """What an evaluation may read: whole directory trees and single files.

    ``roots is None`` means anywhere (the command line). Paths are compared
    after resolving symlinks, so a link inside a root to a file outside it
    is outside. A lone file opened in an editor is ``restricted(files=[it])``
    plus whatever the settings allow, not its directory's whole tree.
    Immutable; equal when ``roots`` and ``files`` are.
    """

    # A plain class, not a dataclass: importing `dataclasses` (inspect, ast,
    # dis) was a tenth of the start-up of `nixls eval`.
    __slots__ = ("roots", "files", "_real_roots", "_real_files")

    def __init__(self, roots: tuple[str, ...] | None = None, files: tuple[str, ...] = ()) -> None:
        self.roots = roots
        self.files = files
        # Resolved once: a check is then one realpath of the asked path.
        self._real_roots = tuple(_real(r).rstrip("/") for r in roots or ())
        self._real_files = frozenset(_real(f) for f in files)

    def __eq__(self, other: object) -> bool:
        if type(other) is not ReadPolicy:
            return NotImplemented
        return (self.roots, self.files) == (other.roots, other.files)

    def __hash__(self) -> int:
        return hash((self.roots, self.files))

    def __repr__(self) -> str:
        return f"ReadPolicy(roots={self.roots!r}, files={self.files!r})"

    @classmethod
    def anywhere(cls) -> ReadPolicy:
        """Every path may be read (as `nix-instantiate` without restrictions)."""
        return cls(None)

    @classmethod
    def nothing(cls) -> ReadPolicy:
        """No path may be read."""
        return cls(())

    @classmethod
    def restricted(cls, roots: Iterable[str] = (), files: Iterable[str] = ()) -> ReadPolicy:
        """Only below ``roots`` (directories) and the single ``files``."""
        return cls(tuple(roots), tuple(files))

    @property
    def unrestricted(self) -> bool:
        """Whether every path may be read."""
        return self.roots is None

    def allows(self, path: str) -> bool:
        """Whether ``path`` (absolute) may be read."""
        if self.roots is None:
            return True
        real = _real(path)
        if real in self._real_files:
            return True
        for root in self._real_roots:
            if real == root or real.startswith(root + "/") or root == "":
                return True
        return False


def _not_regular(path: str) -> NixError:
    return NixError(
        f"cannot read '{path}': it is not a regular file (FIFOs, devices and sockets are not read)"
    )


class EvalIO:
    """All file access of one evaluation, checked against its :class:`ReadPolicy`.

    Reads raise :class:`AccessDenied` outside the policy and otherwise the
    :class:`OSError` of the operation (callers word it as Nix does); checks
    (:meth:`path_exists`, :meth:`is_dir`) answer False outside the policy.
    """

    def __init__(self, policy: ReadPolicy | None = None) -> None:
        self.policy = policy if policy is not None else ReadPolicy.anywhere()
        # Files this evaluation wrote to the store (`toFile`): nothing is
        # written to disk, so their reads are answered from here.
        self._written: dict[str, bytes] = {}
        # Store path -> (the path it was added from, as given; that path on
        # disk; what its filter kept, None: everything). See `on_disk`.
        self._sources: dict[str, tuple[str, str, frozenset[str] | None]] = {}
        self._source_depths: set[int] = set()

    # ------------------------------------------------------------ added sources

    def add_source(self, store_path: str, origin: str, kept: frozenset[str] | None = None) -> None:
        """Record that ``store_path`` holds the tree at ``origin`` (what ``kept`` lists of it).

        ``origin`` may itself be below a recorded store path (`"${./.}"` in a
        flake): it is mapped to disk now, its filter answers stay in its form.
        """
        if store_path in self._sources:
            return
        local = self.on_disk(origin)
        if local is None:
            return
        self._sources[store_path] = (origin, local, kept)
        self._source_depths.add(store_path.count("/"))

    def source_of(self, path: str) -> tuple[str, str] | None:
        """(recorded store path, rest) if ``path`` is at or below a recorded source."""
        if not self._sources:
            return None
        for depth in self._source_depths:
            parts = path.split("/", depth + 1)
            root = "/".join(parts[: depth + 1])
            if root in self._sources:
                return root, path[len(root) :]
        return None

    def on_disk(self, path: str) -> str | None:
        """Where ``path`` is read from: itself, or the folder a recorded source came from.

        None when a source filter dropped it (it is not in the store path).
        """
        found = self.source_of(path)
        if found is None:
            return path
        root, rest = found
        origin, local, kept = self._sources[root]
        if kept is not None and rest and not _kept(origin, origin + rest, kept):
            return None
        return local + rest

    def _readable(self, path: str) -> str | None:
        """``path`` on disk if the policy lets this evaluation read it (the one check)."""
        local = self.on_disk(path)
        return local if local is not None and self.policy.allows(local) else None

    def _local(self, path: str) -> str:
        """``path`` on disk; :class:`AccessDenied` (or not found) if it cannot be read."""
        local = self._readable(path)
        if local is None:
            if self.on_disk(path) is None:
                raise FileNotFoundError(errno.ENOENT, os.strerror(errno.ENOENT), path)
            raise AccessDenied(path)
        return local

    # ------------------------------------------------------------ store writes

    def write_text(self, path: str, data: bytes) -> None:
        """Record the contents of a text store path this evaluation wrote."""
        self._written[path] = data

    def written(self, path: str) -> bytes | None:
        """The contents of ``path`` if this evaluation wrote it (``toFile``)."""
        return self._written.get(path)

    # ------------------------------------------------------------ policy

    def allows(self, path: str) -> bool:
        """Whether the policy lets this evaluation read ``path`` (where it is on disk)."""
        return self._readable(path) is not None

    def check(self, path: str) -> str:
        """``path`` on disk, or :class:`AccessDenied` if the policy forbids reading it.

        :class:`FileNotFoundError` if ``path`` is below a recorded source whose
        filter dropped it.
        """
        return self._local(path)

    # ------------------------------------------------------------ checks

    def path_exists(self, path: str) -> bool:
        """Whether ``path`` exists (a dangling symlink does); False outside the policy."""
        local = self._readable(path)
        return local is not None and os.path.lexists(local)

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory; False outside the policy."""
        local = self._readable(path)
        return local is not None and os.path.isdir(local)

    def lstat(self, path: str) -> os.stat_result:
        """``lstat`` of a path the policy allows."""
        return os.lstat(self._local(path))

    def file_type(self, path: str) -> str:
        """regular, directory, symlink or unknown (the link itself, not its target)."""
        if path in self._written:
            return "regular"
        from evaluator.store.nar import file_type  # the store: imported when used

        return file_type(self.lstat(path))

    # ------------------------------------------------------------ reads

    def open_file(self, path: str) -> BinaryIO:
        """A regular file opened for reading; never blocks on a FIFO or device.

        A directory raises :class:`IsADirectoryError`; a FIFO, device or
        socket a :class:`NixError` (it is opened non-blocking and checked
        before anything is read from it).
        """
        fd = os.open(self._local(path), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
        try:
            mode = os.fstat(fd).st_mode
            if stat.S_ISDIR(mode):
                raise IsADirectoryError(errno.EISDIR, os.strerror(errno.EISDIR), path)
            if not stat.S_ISREG(mode):
                raise _not_regular(path)
            os.set_blocking(fd, True)
            return os.fdopen(fd, "rb")
        except BaseException:
            os.close(fd)
            raise

    def read_file(self, path: str) -> bytes:
        """The contents of the regular file at ``path`` (or of a file this evaluation wrote)."""
        data = self._written.get(path)
        if data is not None:
            return data
        with self.open_file(path) as f:
            return f.read()

    def read_dir(self, path: str) -> list[tuple[str, str]]:
        """The entries of directory ``path``: (name, type) in directory order."""
        # The entries' types from the directory listing itself (`d_type`):
        # no `lstat` per entry (DirEntry falls back to one where the file
        # system gives no type), and no import of the store's modules.
        with os.scandir(self._local(path)) as entries:
            found = [(e.name, _entry_type(e)) for e in entries]
        if self.source_of(path) is None:
            return found
        return [(name, kind) for name, kind in found if self.on_disk(f"{path}/{name}") is not None]

    def list_dir(self, path: str) -> list[str]:
        """The names in directory ``path``, in the byte order NAR uses."""
        names = os.listdir(self._local(path))
        if self.source_of(path) is not None:
            names = [n for n in names if self.on_disk(f"{path}/{n}") is not None]
        return sorted(names, key=os.fsencode)

    def resolve(self, path: str) -> str:
        """``path`` with every symlink resolved, after checking each component exists.

        Raises :class:`FileNotFoundError` naming the first missing component,
        as Nix's ``canonPath(path, true)`` does.
        """
        found = self.source_of(path)
        if found is not None:
            # Symlinks inside a source resolve inside its store path.
            root, _ = found
            local_root = self._local(root)
            real_root = os.path.realpath(local_root)
            real = os.path.realpath(self._local(path))
            if real == real_root or real.startswith(real_root + "/"):
                return root + real[len(real_root) :]
            return real
        self._local(path)
        prefix = ""
        for part in path.split("/"):
            if part:
                prefix += "/" + part
                os.lstat(prefix)
        return os.path.realpath(path)

    # ------------------------------------------------------------ store copies

    def nar_hash(
        self, path: str, algo: str = "sha256", path_filter: PathFilter | None = None
    ) -> Hash:
        """The hash of the NAR of ``path`` (what adding it recursively hashes).

        The walk below ``path`` records symlinks without following them and
        refuses special files, so it stays inside the checked tree.
        """
        from evaluator.store.nar import hash_path

        local = self._local(path)
        if path_filter is not None and local != path:
            # The filter answers for the paths as the evaluation sees them.
            given, size = path_filter, len(local)
            path_filter = lambda p: given(path + p[size:])  # noqa: E731
        return hash_path(local, algo, path_filter)

    def flat_hash(self, path: str, algo: str = "sha256") -> Hash:
        """The hash of the contents of the regular file at ``path``."""
        from evaluator.store.nar import hash_file

        self._local(path)
        return hash_file(path, algo, self.open_file)


def _entry_type(entry: os.DirEntry[str]) -> str:
    """regular, directory, symlink or unknown: the entry itself, as Nix's `readDir`."""
    if entry.is_file(follow_symlinks=False):
        return "regular"
    if entry.is_dir(follow_symlinks=False):
        return "directory"
    if entry.is_symlink():
        return "symlink"
    return "unknown"


def _kept(origin: str, target: str, kept: frozenset[str]) -> bool:
    """Whether a source filter kept ``target``: every component below ``origin``."""
    p = target
    while p != origin and len(p) > len(origin):
        if p not in kept:
            return False
        p = p.rpartition("/")[0]
    return True
