# The module system of nixpkgs lib 26.11 over this fixture's modules, the way a
# home-manager-style tool evaluates a user's configuration (written for nixls's tests).
let
  lib = import ../corpus/nixpkgs-lib-26.11/lib;
  pkgs = import ./stub/pkgs.nix { inherit lib; path = ./stub; };
in
lib.evalModules {
  modules = import ./modules/module-list.nix ++ [
    # `assertions` and `warnings`, which lib.mkRemovedOptionModule defines.
    ./stub/nixos/modules/misc/assertions.nix
    { _module.args.pkgs = pkgs; }
  ];
  class = "homeManager";
  specialArgs.modulesPath = toString ./modules;
}
