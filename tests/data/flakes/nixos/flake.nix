{
  description = "A NixOS configuration through lib.nixosSystem, for automatic option sets";

  inputs.nixpkgs.url = "path:../../nixos-like";

  outputs = { self, nixpkgs }: {
    nixosConfigurations.server = nixpkgs.lib.nixosSystem {
      system = "x86_64-linux";
      modules = [ ./configuration.nix ];
    };
  };
}
