{
  description = "NixOS configurations computed from a set of hosts";

  inputs.nixpkgs.url = "path:../../nixos-like";

  outputs = { self, nixpkgs }:
    let
      lib = nixpkgs.lib;
      hosts = {
        alpha = ./hosts/alpha.nix;
        beta = ./hosts/beta.nix;
      };
      mkHost = name: module: lib.nixosSystem {
        modules = [ ./common.nix module { networking.hostName = name; } ];
      };
    in
    {
      nixosConfigurations = lib.mapAttrs mkHost hosts;
    };
}
