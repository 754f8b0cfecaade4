{
  description = "A tiny NixOS-like system function over the real nixpkgs lib";

  outputs = { self }:
    let
      lib = import ../../../corpus/nixpkgs-lib-26.11/lib;
    in
    {
      lib.nixosSystem = { modules }:
        lib.evalModules { modules = [ ./base.nix ] ++ modules; };
    };
}
