{
  description = "A nixpkgs-shaped test fixture";

  outputs =
    { self }:
    {
      lib = import ./lib;
      legacyPackages.x86_64-linux = import ./. { system = "x86_64-linux"; };
      overlays.example = import ./overlays/example.nix;
    };
}
