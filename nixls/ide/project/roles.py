"""What a file is, from its shape and its place.

A file's role decides the arguments its function gets (:mod:`.arguments`):

- flake: a ``flake.nix`` whose value is a set;
- overlay: ``final: prev:`` (or ``self: super:``), two curried functions;
- module: a function whose formals include ``config``, ``options`` or
  ``modulesPath``, or a file another workspace file lists in ``imports``;
- package: ``pkgs/by-name/<shard>/<name>/package.nix``, a file another
  workspace file passes to ``callPackage``, or a function of packaging
  helpers (``stdenv``, ``fetchurl``, ``mkDerivation``, ...);
- another function, or a plain expression.
"""

from __future__ import annotations

import enum
import os
import re
from dataclasses import dataclass

from evaluator.syntax import nodes
from nixls.ide.tree import unparen


class Role(enum.Enum):
    """The kinds of Nix file evaluation tells apart."""

    PACKAGE = "package"
    MODULE = "module"
    OVERLAY = "overlay"
    FLAKE = "flake"
    FUNCTION = "function"
    EXPRESSION = "expression"


@dataclass(frozen=True)
class FileRole:
    """A file's role and why it was given."""

    role: Role
    reason: str


MODULE_FORMALS = frozenset({"config", "options", "modulesPath"})
PACKAGE_FORMALS = frozenset(
    {
        "stdenv",
        "stdenvNoCC",
        "mkDerivation",
        "fetchurl",
        "fetchFromGitHub",
        "fetchgit",
        "buildPythonPackage",
        "buildGoModule",
        "rustPlatform",
        "callPackage",
    }
)
OVERLAY_FIRST = frozenset({"final", "self"})
OVERLAY_SECOND = frozenset({"prev", "super"})
_BY_NAME = re.compile(r"(^|/)pkgs/by-name/[^/]+/[^/]+/package\.nix$")


def formal_names(fn: nodes.Lambda) -> list[str]:
    """The names of a function's formals (none for `x: ...`)."""
    return [f.name.name for f in fn.formals.entries] if fn.formals is not None else []


def classify(path: str | None, root: nodes.Node, used_as: FileRole | None = None) -> FileRole:
    """The role of the file at ``path`` whose tree is ``root``.

    ``used_as``: what another workspace file makes of it (:mod:`.references`).
    """
    top = unparen(root)
    name = os.path.basename(path) if path else ""
    if not isinstance(top, nodes.Lambda):
        if name == "flake.nix" and isinstance(top, nodes.AttrSet):
            return FileRole(Role.FLAKE, "a flake.nix")
        return FileRole(Role.EXPRESSION, "not a function")
    body = unparen(top.body)
    if top.formals is None and top.param is not None and isinstance(body, nodes.Lambda):
        second = body.param.name if body.param is not None and body.formals is None else None
        if top.param.name in OVERLAY_FIRST and second in OVERLAY_SECOND:
            return FileRole(Role.OVERLAY, f"`{top.param.name}: {second}:`")
    formals = set(formal_names(top))
    if formals & MODULE_FORMALS:
        shown = ", ".join(sorted(formals & MODULE_FORMALS))
        return FileRole(Role.MODULE, f"formals {shown}")
    if path and _BY_NAME.search(path):
        return FileRole(Role.PACKAGE, "in pkgs/by-name")
    if used_as is not None:
        return used_as
    if formals & PACKAGE_FORMALS:
        shown = ", ".join(sorted(formals & PACKAGE_FORMALS))
        return FileRole(Role.PACKAGE, f"formals {shown}")
    return FileRole(Role.FUNCTION, "a function")
