{
  description = "A nix-darwin-shaped system function, written for nixls's tests";

  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixpkgs-unstable";

  outputs = { self, nixpkgs }: {
    lib.darwinSystem = { modules, pkgs, baseModules ? import ./modules/module-list.nix }:
      import ./eval-config.nix { inherit (nixpkgs) lib; inherit modules pkgs baseModules; };
  };
}
