# home-manager's module system over the modules of this fixture, as its manual
# evaluates it: lib extended by modules/lib/stdlib-extended.nix, a stub pkgs.
let
  lib = import ./modules/lib/stdlib-extended.nix (import ../corpus/nixpkgs-lib-26.11/lib);
  pkgs = import ./stub/pkgs.nix { inherit lib; path = ./stub; };
in
lib.evalModules {
  modules = [
    ./modules/home-environment.nix
    ./modules/files.nix
    ./modules/misc/version.nix
    ./modules/misc/submodule-support.nix
    ./modules/programs/git.nix
    ./stub/nixos/modules/misc/assertions.nix
    ./stub/nixos/modules/misc/meta.nix
    # Definitions of options outside this subset (launchd, systemd…) are not errors.
    { _module.check = false; _module.args.pkgs = pkgs; }
  ];
  class = "homeManager";
  specialArgs.modulesPath = toString ./modules;
}
