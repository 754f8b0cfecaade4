"""NixOS option sets: `nixosConfigurations.server` of tests/data/flakes/nixos,
made by `lib.nixosSystem` of its `nixpkgs` input (the nixpkgs-shaped
tests/data/nixos-like: nixpkgs lib 26.11 and NixOS-shaped modules), applies to
the configuration's modules and what they import."""

from __future__ import annotations

import threading
from pathlib import Path

import pytest

from evaluator.io import ReadPolicy
from evaluator.syntax import parse
from nixls.ide.options import service
from nixls.ide.options.auto import flake_specs
from nixls.ide.options.sets import load
from nixls.ide.options.tree import OptionTree

REPO = Path(__file__).resolve().parents[2]
DATA = REPO / "tests" / "data"
FLAKE = DATA / "flakes" / "nixos"
CONFIG = FLAKE / "configuration.nix"
USERS = FLAKE / "users.nix"
MODULES = DATA / "nixos-like" / "nixos" / "modules"


def _view(path: Path, text: str | None = None) -> service.DocumentView:
    source = (path.read_text() if text is None else text).encode()
    parsed = parse(source)
    return service.DocumentView(str(path), source, parsed.root, bool(parsed.errors))


@pytest.fixture(scope="module")
def tree() -> OptionTree:
    [spec] = flake_specs(str(FLAKE / "flake.nix"))
    assert spec.name == "nixosConfigurations.server"
    assert spec.files == (str(CONFIG), str(USERS))  # listed, and imported by it
    found, files = load(spec, ReadPolicy.restricted(roots=[str(DATA)]), threading.Event())
    assert str(MODULES / "services" / "networking" / "openssh.nix") in files
    return found


def test_the_configuration_is_clean(tree: OptionTree) -> None:
    for path in (CONFIG, USERS):
        assert service.diagnostics(tree, _view(path), threading.Event(), 5) == ([], [])


def test_completion_and_hover_in_an_attrs_of_submodules(tree: OptionTree) -> None:
    text = USERS.read_text()
    items = service.completion(tree, _view(USERS), text.index("isNormalUser"))
    names = {i.name for i in items or []}
    assert names == {"name", "uid", "isNormalUser", "extraGroups", "openssh"}
    found = service.hover(tree, _view(USERS), text.index("isNormalUser"), None)
    assert found is not None
    assert found[0].startswith("**`users.users.alice.isNormalUser`**")
    assert "*Type:* `boolean`" in found[0] and "*Default:* `false`" in found[0]


def test_definition_of_a_submodule_option(tree: OptionTree) -> None:
    text = CONFIG.read_text()
    [declared] = service.definition(tree, _view(CONFIG), text.index("PermitRootLogin")) or []
    assert declared.file == str(MODULES / "services" / "networking" / "openssh.nix")
    lines = Path(declared.file).read_text().splitlines()
    assert lines[declared.line - 1].strip().startswith("PermitRootLogin = lib.mkOption")


def test_diagnostics_of_types_renames_and_freeform_settings(tree: OptionTree) -> None:
    text = CONFIG.read_text()
    bad = (
        text.replace('"no"', '"maybe"')
        .replace("22 2222", '"22" 2222')
        .replace("enable = true;", 'enable = true; permitRootLogin = "no"; settings.X11 = true;')
    )
    result = service.diagnostics(tree, _view(CONFIG, bad), threading.Event(), 5)
    assert result is not None
    found = {bad[d.start : d.end]: (d.code, d.message) for d in result[0]}
    assert set(found) == {'"maybe"', '[ "22" 2222 ]', "permitRootLogin"}  # X11: freeform
    assert found['"maybe"'][1].startswith('"maybe" is not of type `one of "yes"')
    assert found['[ "22" 2222 ]'][1].startswith("a list is not of type `list of 16 bit unsigned")
    assert found["permitRootLogin"] == (
        "renamed-option",
        "`services.openssh.permitRootLogin` has been renamed to "
        "`services.openssh.settings.PermitRootLogin`",
    )
    users = USERS.read_text().replace("isNormalUser = true", 'isNormalUser = "yes"; uidd = 1')
    result = service.diagnostics(tree, _view(USERS, users), threading.Event(), 5)
    assert result is not None
    messages = sorted(d.message for d in result[0])
    assert messages == [
        '"yes" is not of type `boolean` (option `users.users.alice.isNormalUser`)',
        "unknown option `users.users.alice.uidd`; did you mean `uid`?",
    ]


def test_values_that_are_not_literals_are_evaluated_to_check_them(tree: OptionTree) -> None:
    text = """{ config, lib, pkgs, ... }:
let
  port = "22";
  name = "srv";
  loop = x: loop x;
in
{
  networking.hostName = "bad name ${name}";
  networking.firewall.enable = lib.mkDefault "yes";
  services.openssh.ports = [ port 2222 ];
  services.openssh.settings.PermitRootLogin = if true then "maybe" else "no";
  services.openssh.enable = builtins.length [ 1 ];
  services.openssh.openFirewall = config.networking.firewall.enable;
  users.users.alice.uid = 1000 + 1;
  users.users.bob.extraGroups = [ "a" (toString 5) pkgs.group ];
  users.users.carol.isNormalUser = loop 1;
  users.users.dave.isNormalUser = throw "later";
  users.users.erin.name = "${pkgs.name}";
}
"""
    result = service.diagnostics(tree, _view(CONFIG, text), threading.Event(), 5)
    assert result is not None
    found = {text[d.start : d.end]: d.message for d in result[0]}
    assert found == {
        '"bad name ${name}"': 'this evaluates to `"bad name srv"`, which is not of type '
        "`string matching the pattern ^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$` "
        "(option `networking.hostName`)",
        '"yes"': '"yes" is not of type `boolean` (option `networking.firewall.enable`)',
        "[ port 2222 ]": 'this evaluates to `[ "22" 2222 ]`, which is not of type '
        "`list of 16 bit unsigned integer; between 0 and 65535 (both inclusive)` "
        "(option `services.openssh.ports`)",
        'if true then "maybe" else "no"': 'this evaluates to `"maybe"`, which is not of type '
        '`one of "yes", "without-password", "prohibit-password", "forced-commands-only", "no"` '
        "(option `services.openssh.settings.PermitRootLogin`)",
        "builtins.length [ 1 ]": "this evaluates to `1`, which is not of type `boolean` "
        "(option `services.openssh.enable`)",
    }
    # The module's arguments are unknown: values reading them (config, pkgs) are not
    # judged; a value that runs away or throws is left alone too.


def test_lib_calls_in_values_are_type_checked_with_the_sets_own_lib(tree: OptionTree) -> None:
    """`lib` of a module is the nixpkgs lib (26.11) the set's evaluation imported:
    values built by its functions are evaluated and judged by what they define,
    through `mkDefault`, `mkIf`, `mkForce`, `mkMerge`, `mkOrder` made at run time."""
    text = """{ config, lib, pkgs, ... }:
let
  inherit (lib) mkForce;
in
{
  networking.firewall.enable = lib.mkDefault 3;
  networking.hostName = lib.mkIf config.server.enable 5;
  users.users.alice.uid = mkForce "x";
  users.users.alice.extraGroups = lib.optionals true [ "wheel" 7 ];
  services.openssh.ports = lib.mkMerge [ [ 22 ] (lib.optional true "x") ];
  users.users.bob.name = lib.mkMerge (map lib.toUpper [ "ok" ] ++ [ 5 ]);
  users.users.bob.isNormalUser = lib.pipe 3 [ lib.mkDefault ];
  users.users.bob.uid = lib.mkOverride 10 (lib.toInt "12");
  users.users.carol.name = lib.concatStringsSep "-" [ "a" "b" ];
  users.users.carol.isNormalUser = lib.mkIf config.x (lib.versionAtLeast "2.1" "2");
  users.users.carol.extraGroups = lib.mkBefore (lib.optional config.y "wheel");
  users.users.dave.extraGroups = lib.mkMerge (map (g: [ g ]) [ "a" "b" ]);
  users.users.dave.uid = with lib; mkIf true (toInt "9");
  users.users.erin.name = lib.hm.nope "x";
  users.users.erin.uid = lib.mkDefault pkgs.uid;
}
"""
    result = service.diagnostics(tree, _view(CONFIG, text), threading.Event(), 5)
    assert result is not None
    found = {text[d.start : d.end]: d.message for d in result[0]}
    assert found == {
        "3": "3 is not of type `boolean` (option `networking.firewall.enable`)",
        "5": "5 is not of type `string matching the pattern "
        "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$` (option `networking.hostName`)",
        '"x"': '"x" is not of type `null or signed integer` (option `users.users.alice.uid`)',
        'lib.optionals true [ "wheel" 7 ]': 'this evaluates to `[ "wheel" 7 ]`, which is not of'
        " type `list of string` (option `users.users.alice.extraGroups`)",
        'lib.optional true "x"': 'this evaluates to `[ "x" ]`, which is not of type '
        "`list of 16 bit unsigned integer; between 0 and 65535 (both inclusive)` "
        "(option `services.openssh.ports`)",
        'lib.mkMerge (map lib.toUpper [ "ok" ] ++ [ 5 ])': "this evaluates to `5`, which is not"
        " of type `string` (option `users.users.bob.name`)",
        "lib.pipe 3 [ lib.mkDefault ]": "this evaluates to `3`, which is not of type `boolean` "
        "(option `users.users.bob.isNormalUser`)",
    }
