"""The project as the live evaluator sees it: discovery, file roles, arguments, dependents.

One :class:`Project` per server. Discovery is computed again only when what
it reads changes (the ``nixPath`` setting, the workspace folders, a
``flake.lock``'s modification time); the environment is the server's own,
read once at start.
"""

from __future__ import annotations

import os
import threading
from collections.abc import Mapping, Sequence
from typing import TYPE_CHECKING

from nixls.ide.project.arguments import FileFacts, Supply, supply_for
from nixls.ide.project.buffers import Dependents
from nixls.ide.project.discovery import FIX_HINT, Discovery, Inputs, discover
from nixls.ide.project.references import ReferenceIndex
from nixls.ide.project.roles import FileRole, classify
from nixls.project_config import ConfigError, config_for

if TYPE_CHECKING:
    from nixls.ide.flake.lock import ReadFile
    from nixls.ide.workspace import Unit
    from nixls.settings import EvalSettings

_Key = tuple[tuple[str, ...], tuple[str, ...], tuple[float, ...]]


class Project:
    """Where the user's nixpkgs is, what each file is, what its function gets."""

    def __init__(self, environ: Mapping[str, str] | None = None) -> None:
        self.environ = dict(os.environ if environ is None else environ)
        self.references = ReferenceIndex()
        self.dependents = Dependents()
        self._lock = threading.Lock()
        self._found: tuple[_Key, Discovery] | None = None
        self._told: _Key | None = None

    def discovery(self, cfg: EvalSettings, roots: Sequence[str]) -> Discovery:
        """What discovery finds under the current settings and folders (cached)."""
        key = _key(cfg, roots)
        with self._lock:
            if self._found is not None and self._found[0] == key:
                return self._found[1]
        found = discover(
            Inputs(
                nix_path=list(cfg.nix_path),
                nix_path_from_toml=_toml_setting(cfg, roots),
                roots=list(roots),
                environ=self.environ,
            )
        )
        with self._lock:
            self._found = (key, found)
        return found

    def notice(self, cfg: EvalSettings, roots: Sequence[str]) -> str | None:
        """When no nixpkgs is found: the message to show, once per situation."""
        found = self.discovery(cfg, roots)
        key = _key(cfg, roots)
        if found.nixpkgs is not None or self._told == key:
            return None
        self._told = key
        return (
            "nixls: no nixpkgs found (no nixPath setting, flake.lock input, NIX_PATH or "
            f"channel): `lib` and package arguments stay unknown. To fix it, {FIX_HINT}. "
            "Run `nixls env` or the nixls.env command for details."
        )

    def role(self, unit: Unit, roots: Sequence[str]) -> FileRole:
        """What the file of ``unit`` is."""
        used = self.references.used_as(unit.path, roots) if unit.path else None
        return classify(unit.path, unit.parse_result.root, used)

    def supply(
        self, unit: Unit, cfg: EvalSettings, roots: Sequence[str], read: ReadFile | None = None
    ) -> Supply | None:
        """The arguments of ``unit``'s function, by its role (None: unknown).

        ``read`` reads files under the evaluation's policy (a flake's lock).
        """
        role = self.role(unit, roots)
        return supply_for(FileFacts(unit.path, role, self.discovery(cfg, roots), unit, read))


def _key(cfg: EvalSettings, roots: Sequence[str]) -> _Key:
    stamps = []
    for root in roots:
        try:
            stamps.append(os.stat(os.path.join(root, "flake.lock")).st_mtime)
        except OSError:
            stamps.append(0.0)
    return tuple(cfg.nix_path), tuple(roots), tuple(stamps)


def _toml_setting(cfg: EvalSettings, roots: Sequence[str]) -> str | None:
    """The nixls.toml that set ``nixPath``, if the setting came from one."""
    for root in roots:
        try:
            config = config_for(root)
        except ConfigError:
            continue
        if config.path is not None and list(config.get("eval.nixPath", [])) == list(cfg.nix_path):
            return str(config.path)
    return None
