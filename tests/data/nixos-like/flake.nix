{
  description = "A nixpkgs-shaped flake: nixpkgs lib with `lib.nixosSystem` over a few NixOS-shaped modules, written for nixls's tests";

  inputs.nixpkgs-lib.url = "github:nix-community/nixpkgs.lib";

  outputs = { self, nixpkgs-lib }: {
    lib = nixpkgs-lib.lib.extend (final: prev: {
      nixosSystem = args: import ./nixos/lib/eval-config.nix (args // { lib = final; });
    });
  };
}
