"""Finding the user's nixpkgs without configuration, and saying where it came from.

In this order, the first that gives a ``nixpkgs`` directory wins:

1. explicit settings (``nixls.eval.nixPath``) or the project's ``nixls.toml``;
2. the workspace's ``flake.lock``: its ``nixpkgs`` input (or another input
   whose name starts with ``nixpkgs``), see :mod:`.flake_lock`;
3. ``NIX_PATH`` of the server's environment;
4. the user's channels: ``~/.nix-defexpr/channels``, the XDG channel profile,
   and the per-user and root channel profiles under ``NIX_STATE_DIR``.

Every source looked at is recorded (:class:`Attempt`), so ``nixls env`` and
the ``nixls.env`` command can say what was found and what is missing.
"""

from __future__ import annotations

import json
import os
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field

from nixls.ide.project.flake_lock import LockedInput, read_inputs

SETTINGS = "settings"
TOML = "nixls.toml"
FLAKE_LOCK = "flake.lock"
NIX_PATH = "NIX_PATH"
CHANNELS = "channels"
# What the user sets to point nixls at a nixpkgs (named in messages).
FIX_HINT = 'set "nixls.eval.nixPath": ["nixpkgs=/path/to/nixpkgs"] (or eval.nixPath in nixls.toml)'


@dataclass(frozen=True)
class Attempt:
    """One place looked at: what it is, and what it gave."""

    source: str  # SETTINGS, TOML, FLAKE_LOCK, NIX_PATH or CHANNELS
    where: str  # the file, variable or directory
    found: str | None  # the nixpkgs directory it gives
    note: str


@dataclass(frozen=True)
class Discovery:
    """What was found: the nixpkgs directory, the search path, the flake's inputs."""

    nixpkgs: str | None
    source: str | None  # which source won
    where: str | None
    search_path: tuple[tuple[str, str], ...] = ()  # (prefix, directory) for <...>
    inputs: tuple[LockedInput, ...] = ()  # the workspace flake's inputs
    flake_dir: str | None = None
    attempts: tuple[Attempt, ...] = field(default=())

    def read_dirs(self) -> list[str]:
        """Directories evaluation must be allowed to read for what was found.

        The nixpkgs directory with the targets of its top-level symlinks (a
        checkout may link `lib` from elsewhere), the search path and the
        inputs found on this machine.
        """
        dirs = [where for _prefix, where in self.search_path]
        dirs += [i.path for i in self.inputs if i.path is not None]
        if self.nixpkgs is not None:
            dirs.append(self.nixpkgs)
            dirs += _linked_entries(self.nixpkgs)
        return list(dict.fromkeys(dirs))


def _linked_entries(directory: str) -> list[str]:
    try:
        with os.scandir(directory) as entries:
            links = [e.path for e in entries if e.is_symlink()]
    except OSError:
        return []
    return [os.path.realpath(p) for p in links]


@dataclass(frozen=True)
class Inputs:
    """What discovery reads: the settings' search path and the environment."""

    nix_path: Sequence[str] = ()  # the nixPath setting (settings or nixls.toml)
    nix_path_from_toml: str | None = None  # the nixls.toml that set it, if it did
    roots: Sequence[str] = ()  # workspace folders
    environ: Mapping[str, str] = field(default_factory=dict)
    # Flake registries read for `flake:NAME` entries (NixOS sets NIX_PATH to
    # `nixpkgs=flake:nixpkgs`, pinned in the system registry): user's, then system's.
    registries: Sequence[str] | None = None

    def registry_files(self) -> list[str]:
        """The registry files to read, in order."""
        if self.registries is not None:
            return list(self.registries)
        home = self.environ.get("HOME")
        config = self.environ.get("XDG_CONFIG_HOME") or (
            os.path.join(home, ".config") if home else None
        )
        user = [os.path.join(config, "nix", "registry.json")] if config else []
        return [*user, "/etc/nix/registry.json"]

    def store_dir(self) -> str:
        """The store directory, as Nix reads it (``NIX_STORE_DIR``)."""
        return self.environ.get("NIX_STORE_DIR") or "/nix/store"


def discover(given: Inputs) -> Discovery:
    """Look for nixpkgs in every source, in order; the first found wins."""
    attempts: list[Attempt] = []
    search: list[tuple[str, str]] = []
    winner: Attempt | None = None

    def consider(attempt: Attempt) -> None:
        nonlocal winner
        attempts.append(attempt)
        if winner is None and attempt.found is not None:
            winner = attempt

    settings_search = parse_entries(given.nix_path)
    source = TOML if given.nix_path_from_toml else SETTINGS
    where = given.nix_path_from_toml or "nixls.eval.nixPath"
    if settings_search:
        search += settings_search
        consider(_from_entries(source, where, settings_search))
    else:
        attempts.append(Attempt(SETTINGS, "nixls.eval.nixPath", None, "not set"))
    inputs, flake_dir = _from_flake_lock(given, consider)
    env_path = given.environ.get("NIX_PATH")
    if env_path:
        entries = [
            (p, flake_registry_path(t[len("flake:") :], given) or t)
            if t.startswith("flake:")
            else (p, t)
            for p, t in parse_entries(split_nix_path(env_path))
        ]
        consider(_from_entries(NIX_PATH, f"NIX_PATH={env_path}", entries))
        if not settings_search:
            search += entries
    else:
        attempts.append(Attempt(NIX_PATH, "NIX_PATH", None, "not set"))
    for candidate in channel_dirs(given.environ):
        there = os.path.isdir(os.path.join(candidate, "nixpkgs"))
        found = os.path.join(candidate, "nixpkgs") if there else None
        consider(Attempt(CHANNELS, candidate, found, "has nixpkgs" if there else "no nixpkgs"))
    chosen: Attempt | None = winner
    if chosen is not None and not any(p == "nixpkgs" for p, _ in search):
        search.insert(0, ("nixpkgs", chosen.found or ""))
    return Discovery(
        nixpkgs=chosen.found if chosen else None,
        source=chosen.source if chosen else None,
        where=chosen.where if chosen else None,
        search_path=tuple(search),
        inputs=tuple(inputs),
        flake_dir=flake_dir,
        attempts=tuple(attempts),
    )


def _from_flake_lock(
    given: Inputs, consider: Callable[[Attempt], None]
) -> tuple[list[LockedInput], str | None]:
    for root in given.roots:
        lock = os.path.join(root, "flake.lock")
        if not os.path.isfile(lock):
            continue
        inputs, error = read_inputs(root, given.store_dir())
        if error is not None:
            consider(Attempt(FLAKE_LOCK, lock, None, error))
            return [], root
        wanted = [i for i in inputs if i.name == "nixpkgs"]
        wanted += [i for i in inputs if i.name.startswith("nixpkgs") and i.name != "nixpkgs"]
        if not wanted:
            consider(Attempt(FLAKE_LOCK, lock, None, "no nixpkgs input"))
        for one in wanted:
            consider(Attempt(FLAKE_LOCK, f"{lock} (input {one.name})", one.path, one.note))
        return inputs, root
    shown = ", ".join(given.roots) or "no workspace folder"
    consider(Attempt(FLAKE_LOCK, shown, None, "no flake.lock"))
    return [], None


def _from_entries(source: str, where: str, entries: list[tuple[str, str]]) -> Attempt:
    """The nixpkgs of search-path entries: ``nixpkgs=dir``, or a ``dir`` holding ``nixpkgs``."""
    notes = []
    for prefix, target in entries:
        if prefix == "nixpkgs":
            if os.path.isdir(target):
                return Attempt(source, where, target, f"nixpkgs={target}")
            notes.append(f"nixpkgs={target} is not a directory on this machine")
        elif prefix == "" and os.path.isdir(os.path.join(target, "nixpkgs")):
            found = os.path.join(target, "nixpkgs")
            return Attempt(source, where, found, f"{target} holds nixpkgs")
    return Attempt(source, where, None, "; ".join(notes) or "no nixpkgs entry")


def flake_registry_path(name: str, given: Inputs) -> str | None:
    """Where the flake registries pin flake ``name``, if to a local path or store path."""
    for file in given.registry_files():
        try:
            with open(file, encoding="utf-8") as f:
                data = json.load(f)
        except (OSError, ValueError):
            continue
        for entry in data.get("flakes", []) if isinstance(data, dict) else []:
            source = entry.get("from", {}) if isinstance(entry, dict) else {}
            target = entry.get("to", {}) if isinstance(entry, dict) else {}
            if source.get("id") == name and target.get("type") == "path":
                path = target.get("path")
                if isinstance(path, str) and os.path.isdir(path):
                    return path
    return None


def split_nix_path(text: str) -> list[str]:
    """``NIX_PATH``'s entries: colon-separated, but a URL's ``scheme:`` kept whole
    (``nixpkgs=flake:nixpkgs``, ``channel:nixos-unstable``, ``https://...``)."""
    entries: list[str] = []
    joining = False
    for part in text.split(":"):
        if joining or (entries and part.startswith("//")):
            entries[-1] += ":" + part
        elif part:
            entries.append(part)
        else:
            continue
        joining = not joining and entries[-1].rpartition("=")[2] in _SCHEMES
    return entries


_SCHEMES = frozenset({"flake", "channel", "http", "https", "file", "git+https", "git+ssh"})


def parse_entries(entries: Sequence[str]) -> list[tuple[str, str]]:
    """``prefix=target`` or ``target`` entries as (prefix, target) pairs (home expanded)."""
    out = []
    for entry in entries:
        prefix, sep, target = entry.partition("=")
        if not sep:
            prefix, target = "", entry
        target = os.path.expanduser(target)
        if "://" not in target and not target.startswith("flake:"):
            target = os.path.abspath(target)
        out.append((prefix, target))
    return out


def channel_dirs(environ: Mapping[str, str]) -> list[str]:
    """Where channels live, in the order Nix's default search path lists them."""
    home = environ.get("HOME")
    state = environ.get("NIX_STATE_DIR") or "/nix/var/nix"
    user = environ.get("USER") or environ.get("LOGNAME")
    dirs = []
    if home:
        dirs.append(os.path.join(home, ".nix-defexpr", "channels"))
        dirs.append(os.path.join(home, ".local", "state", "nix", "profiles", "channels"))
    if user and user != "root":
        dirs.append(os.path.join(state, "profiles", "per-user", user, "channels"))
    dirs.append(os.path.join(state, "profiles", "per-user", "root", "channels"))
    return dirs
