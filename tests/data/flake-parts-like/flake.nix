{
  description = "A flake-parts-shaped library, written for nixls's tests";

  inputs.nixpkgs-lib.url = "github:nix-community/nixpkgs.lib";

  outputs = { self, nixpkgs-lib }: {
    lib = import ./lib.nix { inherit (nixpkgs-lib) lib; };
  };
}
