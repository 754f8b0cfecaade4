"""File reads by the editor features, under the evaluation's read policy.

Completion, go-to-definition, hover and path completion look into files
other than the open document (imports, path literals, directories). They
read through a :class:`Reader`, which asks the same
:class:`~evaluator.io.ReadPolicy` an evaluation of the document would get
(:func:`read_policy`), so a feature never shows what evaluation may not
read. Refusals are remembered with evaluation's message, for the server
to tell the user.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from typing import TYPE_CHECKING

from evaluator.io import EvalIO, ReadPolicy, forbidden_message

if TYPE_CHECKING:
    from nixls.ide.workspace import Unit, Workspace
    from nixls.settings import EvalSettings


def search_path(cfg: EvalSettings) -> list[tuple[str, str]]:
    """The ``nixPath`` setting as (prefix, directory) pairs."""
    search: list[tuple[str, str]] = []
    for entry in cfg.nix_path:
        prefix, sep, where = entry.partition("=")
        search.append((prefix, where) if sep else ("", entry))
    return search


def read_policy(cfg: EvalSettings, roots: Sequence[str], path: str | None) -> ReadPolicy:
    """What an evaluation of (and a feature in) the file at ``path`` may read.

    The workspace folders, ``allowedPaths`` and the search path; the file
    itself always. A lone file (no workspace folder) does not get its
    directory: a file at ``/`` would otherwise open the whole disk.
    """
    if not cfg.restrict_reads:
        return ReadPolicy.anywhere()
    dirs = list(roots)
    dirs += [os.path.expanduser(p) for p in cfg.allowed_paths]
    dirs += [os.path.expanduser(where) for _prefix, where in search_path(cfg)]
    return ReadPolicy.restricted(roots=dirs, files=[path] if path else [])


class Reader:
    """The workspace's files as one document's features may see them."""

    def __init__(self, files: Workspace, policy: ReadPolicy) -> None:
        self.files = files
        self.io = EvalIO(policy)
        # Evaluation's message for each refused path, in order, once each.
        self.denied: list[str] = []

    def allows(self, path: str) -> bool:
        """Whether ``path`` may be read; a refusal is remembered."""
        if self.io.allows(path):
            return True
        message = forbidden_message(path)
        if message not in self.denied:
            self.denied.append(message)
        return False

    def unit(self, path: str) -> Unit | None:
        """``path`` parsed (open document or disk file), if it may be read and exists."""
        return self.files.unit(path) if self.allows(path) else None

    def exists(self, path: str) -> bool:
        """Whether ``path`` exists; False (revealing nothing) if it may not be read."""
        return self.allows(path) and os.path.exists(path)

    def is_dir(self, path: str) -> bool:
        """Whether ``path`` is a directory; False if it may not be read."""
        return self.allows(path) and os.path.isdir(path)

    def is_file(self, path: str) -> bool:
        """Whether ``path`` is a regular file; False if it may not be read."""
        return self.allows(path) and os.path.isfile(path)

    def entries(self, path: str) -> list[os.DirEntry[str]]:
        """The entries of directory ``path``; [] if it may not be read or fails."""
        if not self.allows(path):
            return []
        try:
            with os.scandir(path) as it:
                return sorted(it, key=lambda e: e.name)
        except OSError:
            return []
