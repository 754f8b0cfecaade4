{
  description = "A tiny NixOS-like system function over the real nixpkgs lib";

  inputs.nixpkgs-lib.url = "github:example/nixpkgs-lib";

  outputs = { self, nixpkgs-lib }:
    let
      inherit (nixpkgs-lib) lib;
    in
    {
      lib.nixosSystem = { modules }:
        lib.evalModules { modules = [ ./base.nix ] ++ modules; };
    };
}
