"""Definitions judged as the module system judges them (nixpkgs lib 26.11's
`evalModules`): a read-only option may be defined once (not when it has a
default or another module defines it), a submodule's value may be a module
(`options`, `config`, `imports`), list items may be wrapped (`mkIf`), a
freeform type takes the names a module does not declare at any depth, and a
value read from the environment is not judged (the editor does not see it)."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.sets import load
from nixls.ide.options.spec import OptionSetSpec
from nixls.ide.options.tree import OptionTree

REPO = Path(__file__).resolve().parents[2]
LIB = REPO / "tests" / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"
DECLARATIONS = """{ lib, ... }:
let
  inherit (lib) mkOption types;
in
{
  options.fixed = mkOption { type = types.str; readOnly = true; default = "x"; };
  options.once = mkOption { type = types.str; readOnly = true; };
  options.taken = mkOption { type = types.str; readOnly = true; };
  options.sub = mkOption {
    type = types.submodule { options.a = mkOption { type = types.int; }; };
  };
  options.xkb = mkOption {
    type = types.submodule { options.options = mkOption { type = types.str; }; };
  };
  options.group.inner = mkOption { type = types.int; default = 1; };
  options.warnings = mkOption { type = types.listOf types.str; default = [ ]; };
  options.units = mkOption {
    type = types.attrsOf (types.submodule {
      freeformType = types.attrsOf (types.attrsOf types.str);
      options.Unit.Description = mkOption { type = types.str; default = ""; };
    });
    default = { };
  };
  options.user = mkOption { type = types.nonEmptyStr; default = "me"; };
  config.taken = "by the declaring module";
}
"""


@pytest.fixture(scope="module")
def files(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("modules")
    (folder / "declarations.nix").write_text(DECLARATIONS)
    (folder / "set.nix").write_text(
        f"(import {LIB}).evalModules {{ modules = [ ./declarations.nix ]; }}\n"
    )
    return folder


@pytest.fixture(scope="module")
def tree(files: Path) -> OptionTree:
    spec = OptionSetSpec("test", "(import ./set.nix).options", str(files))
    policy = ReadPolicy.restricted(roots=[str(files), str(LIB)])
    return load(spec, policy, threading.Event())[0]


def _found(tree: OptionTree, path: Path, text: str) -> dict[str, str]:
    parsed = parse(text.encode())
    view = service.DocumentView(str(path), text.encode(), parsed.root, bool(parsed.errors))
    result = service.diagnostics(tree, view, threading.Event(), 5)
    assert result is not None
    return {text[d.start : d.end]: d.message for d in result[0]}


def test_read_only_options(tree: OptionTree, files: Path) -> None:
    text = '{ ... }: {\n  fixed = "y";\n  once = "z";\n  taken = "w";\n}\n'
    assert _found(tree, files / "user.nix", text) == {
        "fixed": "the option `fixed` is read-only",
        "taken": "the option `taken` is read-only",
    }
    # The declaring module defines `taken` itself.
    assert _found(tree, files / "declarations.nix", DECLARATIONS) == {}


def test_a_submodule_value_may_be_a_module(tree: OptionTree, files: Path) -> None:
    text = """{ lib, ... }: {
  sub = { options.b = lib.mkOption { }; config.a = 1; imports = [ ]; };
  xkb.options = 3;
  group.options = 1;
  group.inner = "one";
}
"""
    assert _found(tree, files / "user.nix", text) == {
        "3": "3 is not of type `string` (option `xkb.options`)",
        "options": "unknown option `group.options`",
        '"one"': '"one" is not of type `signed integer` (option `group.inner`)',
    }


def test_list_items_wrapped_by_the_module_system(tree: OptionTree, files: Path) -> None:
    text = """{ config, lib, ... }: {
  warnings = [ (lib.mkIf config.x "a") (lib.mkIf true "b") "c" ] ++ lib.optional true "d";
}
"""
    assert _found(tree, files / "user.nix", text) == {}
    bad = text.replace('(lib.mkIf true "b")', "(lib.mkIf true 2)")
    found = _found(tree, files / "user.nix", bad)
    [(span, message)] = found.items()
    assert span.startswith("[ (lib.mkIf config.x")
    assert message.endswith("is not of type `list of string` (option `warnings`)")


def test_freeform_names_below_declared_groups(tree: OptionTree, files: Path) -> None:
    text = """{ lib, ... }: {
  units.a.Unit = { Description = "d"; PartOf = "x.target"; };
  units.a.Service.Type = "simple";
  units.b.Unit.Description = 1;
  user = lib.mkIf true (lib.mkDefault (builtins.getEnv "USER"));
}
"""
    assert _found(tree, files / "user.nix", text) == {
        "1": "1 is not of type `string` (option `units.b.Unit.Description`)"
    }
