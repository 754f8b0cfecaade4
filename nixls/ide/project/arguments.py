"""The arguments a file's function really gets, by the file's role (an extension point).

A :class:`Supply` is one Nix expression whose value is a list: element
``i`` is the argument of the file's ``i``-th curried function (the file's
own function is 0; for ``final: prev:`` ``prev`` is 1). A function with
formals takes each formal from that set when the set has it (else its
default, else an unknown argument); a plain ``x:`` gets the value itself.
Nothing is forced until an evaluation touches it, so a hover on ``lib``
in a package does not evaluate the package's other arguments.

A supplier per role makes the expression (:data:`SUPPLIERS`); another
feature adds or replaces one with :func:`register` (flakes add their
``outputs`` arguments this way).
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass, field

from nixls.ide.project.discovery import Discovery
from nixls.ide.project.roles import FileRole, Role


@dataclass(frozen=True)
class FileFacts:
    """What a supplier knows of a file."""

    path: str | None
    role: FileRole
    found: Discovery


@dataclass(frozen=True)
class Supply:
    """A Nix expression giving the list of the curried functions' arguments."""

    expression: str
    origin: str  # where they come from, said to the user
    # Arguments of the file's own function given directly (name -> expression),
    # without forcing the set of ``expression``: `lib` need not evaluate `pkgs`.
    direct: dict[str, str] = field(default_factory=dict)
    # Whether a plain `x:` argument gets the element itself (an overlay's
    # `final`), or only formals are supplied (a package's `{ lib, ... }:`).
    plain: bool = False
    # The function supplied: the file's own (None), or the one bound to this
    # attribute of the file's top-level set (e.g. a flake's "outputs").
    function_at: str | None = None


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


SUPPLIERS: dict[Role, Supplier] = {
    Role.PACKAGE: _package,
    Role.OVERLAY: _overlay,
    Role.MODULE: _module,
    # Any other function taking `lib` or `pkgs` gets the found ones.
    Role.FUNCTION: _module,
}


def register(role: Role, supplier: Supplier) -> None:
    """Make ``supplier`` give the arguments of files of ``role``."""
    SUPPLIERS[role] = supplier


def supply_for(facts: FileFacts) -> Supply | None:
    """The arguments of the file described by ``facts`` (None: none known)."""
    supplier = SUPPLIERS.get(facts.role.role)
    return supplier(facts) if supplier is not None else None
