# `lib.nixosSystem`: the base modules, then the configuration's; `pkgs` from the
# caller (a stand-in in tests), `modulesPath` for modules that import base ones.
{ lib, modules, pkgs ? { }, specialArgs ? { }, system ? null }:
lib.evalModules {
  class = "nixos";
  modules = import ../modules/module-list.nix ++ modules ++ [
    { _module.args.pkgs = lib.mkDefault pkgs; }
  ];
  specialArgs = { modulesPath = toString ../modules; } // specialArgs;
}
