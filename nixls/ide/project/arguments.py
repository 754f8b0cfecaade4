"""The arguments a file's function really gets, by the file's role.

This is the one way arguments are supplied: a supplier per role
(:data:`SUPPLIERS`) makes a :class:`Supply`, in one of two forms.

- A Nix expression whose value is a list: element ``i`` is the argument of
  the file's ``i``-th curried function (the file's own function is 0; for
  ``final: prev:`` ``prev`` is 1). A function with formals takes each
  formal from that set when the set has it (else its default, else an
  unknown argument); a plain ``x:`` gets the value itself.
- A provider of values (:data:`~nixls.ide.scope_eval.ArgumentProvider`):
  a flake's ``outputs`` gets its locked inputs and ``self``
  (:mod:`nixls.ide.flake.outputs`), with the extra folders the evaluation
  may then read and the store directory.

Nothing is forced until an evaluation touches it, so a hover on ``lib``
in a package does not evaluate the package's other arguments.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from nixls.ide.flake import outputs
from nixls.ide.flake.lock import ReadFile
from nixls.ide.project.discovery import Discovery
from nixls.ide.project.roles import FileRole, Role, classify

if TYPE_CHECKING:
    from nixls.ide.scope_eval import ArgumentProvider
    from nixls.ide.workspace import Unit


@dataclass(frozen=True)
class FileFacts:
    """What a supplier knows of a file."""

    path: str | None
    role: FileRole
    found: Discovery
    unit: Unit | None = None  # the file's text and tree
    read: ReadFile | None = None  # reads a file under the evaluation's read policy


@dataclass(frozen=True)
class Supply:
    """The arguments of a file's functions: a Nix expression giving the list of
    the curried functions' arguments, or a provider of values."""

    expression: str | None
    origin: str  # where they come from, said to the user
    # Arguments of the file's own function given directly (name -> expression),
    # without forcing the set of ``expression``: `lib` need not evaluate `pkgs`.
    direct: dict[str, str] = field(default_factory=dict)
    # Whether a plain `x:` argument gets the element itself (an overlay's
    # `final`), or only formals are supplied (a package's `{ lib, ... }:`).
    plain: bool = False
    # Arguments as values, asked per function and name (a flake's `outputs`).
    provider: ArgumentProvider | None = None
    # What the evaluation may read besides its policy (a flake's locked
    # sources), and the store directory it uses (None: the default).
    read_roots: tuple[str, ...] = ()
    store_dir: str | None = None


Supplier = Callable[[FileFacts], Supply | None]


def nix_path(path: str) -> str:
    """A Nix expression for the absolute path ``path`` (any characters)."""
    escaped = path.replace("\\", "\\\\").replace('"', '\\"').replace("${", "\\${")
    return f'(/. + "{escaped}")'


def _package(facts: FileFacts) -> Supply | None:
    # callPackage's automatic arguments are the package set itself.
    if facts.found.nixpkgs is None:
        return None
    pkgs = f"import {nix_path(facts.found.nixpkgs)} {{ }}"
    return Supply(
        f"[ ({pkgs}) ]",
        f"callPackage of the nixpkgs at {facts.found.nixpkgs}",
        _direct_lib(facts),
    )


def _direct_lib(facts: FileFacts) -> dict[str, str]:
    # nixpkgs' `pkgs.lib` is its `lib` directory's value: taken from there.
    assert facts.found.nixpkgs is not None
    lib = os.path.join(facts.found.nixpkgs, "lib", "default.nix")
    return {"lib": f"import {nix_path(lib)}"} if os.path.isfile(lib) else {}


def _overlay(facts: FileFacts) -> Supply | None:
    # The file applied as the last overlay of nixpkgs; its `prev` kept aside.
    if facts.found.nixpkgs is None or facts.path is None:
        return None
    wrapped = f"(final: prev: import {nix_path(facts.path)} final prev // {{ {PREV} = prev; }})"
    pkgs = f"import {nix_path(facts.found.nixpkgs)} {{ overlays = [ {wrapped} ]; }}"
    return Supply(
        f"let final = {pkgs}; in [ final final.{PREV} ]",
        f"the nixpkgs at {facts.found.nixpkgs} with this overlay applied",
        plain=True,
    )


PREV = "__nixlsOverlayPrev"


def _lib_and_pkgs(facts: FileFacts) -> str | None:
    if facts.found.nixpkgs is None:
        return None
    root = nix_path(facts.found.nixpkgs)
    return (
        f'lib = import ({root} + "/lib"); pkgs = import {root} {{ }}; '
        f'modulesPath = {root} + "/nixos/modules";'
    )


def _module(facts: FileFacts) -> Supply | None:
    # config and options are not known here: they stay unknown arguments.
    names = _lib_and_pkgs(facts)
    if names is None:
        return None
    return Supply(
        f"[ {{ {names} }} ]",
        f"lib and pkgs of the nixpkgs at {facts.found.nixpkgs}",
        _direct_lib(facts),
    )


def _flake(facts: FileFacts) -> Supply | None:
    # `outputs` gets the locked inputs and `self`, as `getFlake` passes them.
    if facts.unit is None or facts.read is None:
        return None
    found = outputs.supply(facts.unit, facts.read)
    if found is None:
        return None
    return Supply(
        None,
        "the flake's locked inputs and `self`",
        provider=found.provide,
        read_roots=tuple(found.read_roots),
        store_dir=found.store_dir,
    )


SUPPLIERS: dict[Role, Supplier] = {
    Role.PACKAGE: _package,
    Role.OVERLAY: _overlay,
    Role.MODULE: _module,
    Role.FLAKE: _flake,
    # Any other function taking `lib` or `pkgs` gets the found ones.
    Role.FUNCTION: _module,
}


def supply_for(facts: FileFacts) -> Supply | None:
    """The arguments of the file described by ``facts`` (None: none known)."""
    supplier = SUPPLIERS.get(facts.role.role)
    return supplier(facts) if supplier is not None else None


def own_supply(unit: Unit, read: ReadFile) -> Supply | None:
    """Without a project (no nixpkgs known): what the file itself gives (a flake's inputs)."""
    role = classify(unit.path, unit.parse_result.root)
    return supply_for(FileFacts(unit.path, role, Discovery(None, None, None), unit, read))
