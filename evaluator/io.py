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
"""

from __future__ import annotations

import errno
import os
import stat
from collections.abc import Iterable
from dataclasses import dataclass, field
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


@dataclass(frozen=True)
class ReadPolicy:
    """What an evaluation may read: whole directory trees and single files.

    ``roots is None`` means anywhere (the command line). Paths are compared
    after resolving symlinks, so a link inside a root to a file outside it
    is outside. A lone file opened in an editor is ``restricted(files=[it])``
    plus whatever the settings allow, not its directory's whole tree.
    """

    roots: tuple[str, ...] | None = None
    files: tuple[str, ...] = ()
    _real_roots: tuple[str, ...] = field(default=(), init=False, repr=False, compare=False)
    _real_files: frozenset[str] = field(default=frozenset(), init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        # Resolved once: a check is then one realpath of the asked path.
        roots = tuple(_real(r).rstrip("/") for r in self.roots or ())
        object.__setattr__(self, "_real_roots", roots)
        object.__setattr__(self, "_real_files", frozenset(_real(f) for f in self.files))

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

    # ------------------------------------------------------------ store writes

    def write_text(self, path: str, data: bytes) -> None:
        """Record the contents of a text store path this evaluation wrote."""
        self._written[path] = data

    def written(self, path: str) -> bytes | None:
        """The contents of ``path`` if this evaluation wrote it (``toFile``)."""
        return self._written.get(path)

    # ------------------------------------------------------------ policy

    def allows(self, path: str) -> bool:
        """Whether the policy lets this evaluation read ``path``."""
        return self.policy.allows(path)

    def check(self, path: str) -> str:
        """``path``, or :class:`AccessDenied` if the policy forbids reading it."""
        if not self.policy.allows(path):
            raise AccessDenied(path)
        return path

    # ------------------------------------------------------------ checks

    def path_exists(self, path: str) -> bool:
        """Whether ``path`` exists (a dangling symlink does); False outside the policy."""
        return self.policy.allows(path) and os.path.lexists(path)

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory; False outside the policy."""
        return self.policy.allows(path) and os.path.isdir(path)

    def lstat(self, path: str) -> os.stat_result:
        """``lstat`` of a path the policy allows."""
        return os.lstat(self.check(path))

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
        fd = os.open(self.check(path), os.O_RDONLY | os.O_NONBLOCK | os.O_CLOEXEC)
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
        from evaluator.store.nar import file_type

        with os.scandir(self.check(path)) as entries:
            return [(e.name, file_type(e.stat(follow_symlinks=False))) for e in entries]

    def list_dir(self, path: str) -> list[str]:
        """The names in directory ``path``, in the byte order NAR uses."""
        return sorted(os.listdir(self.check(path)), key=os.fsencode)

    def resolve(self, path: str) -> str:
        """``path`` with every symlink resolved, after checking each component exists.

        Raises :class:`FileNotFoundError` naming the first missing component,
        as Nix's ``canonPath(path, true)`` does.
        """
        self.check(path)
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

        return hash_path(self.check(path), algo, path_filter)

    def flat_hash(self, path: str, algo: str = "sha256") -> Hash:
        """The hash of the contents of the regular file at ``path``."""
        from evaluator.store.nar import hash_file

        return hash_file(self.check(path), algo, self.open_file)
