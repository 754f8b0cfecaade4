{
  description = "A user's project whose nixpkgs input is the fixture";

  inputs.nixpkgs.url = "path:..";

  outputs =
    { self, nixpkgs }:
    let
      pkgs = import nixpkgs { system = "x86_64-linux"; };
    in
    {
      packages.x86_64-linux.my-tool = pkgs.callPackage ./my-tool.nix { };
    };
}
