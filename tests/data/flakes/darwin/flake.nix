{
  description = "A nix-darwin configuration, for automatic option sets";

  inputs.nixpkgs.url = "path:../../corpus/nixpkgs-lib-26.11/lib";
  inputs.nix-darwin.url = "path:../../darwin-like";
  inputs.nix-darwin.inputs.nixpkgs.follows = "nixpkgs";

  outputs = { self, nixpkgs, nix-darwin }: {
    darwinConfigurations.mac = nix-darwin.lib.darwinSystem {
      modules = [ ./configuration.nix ];
      pkgs = import ./stub-pkgs.nix { inherit (nixpkgs) lib; };
    };
  };
}
