# The usual per-system outputs.
{ lib, flake-parts-lib, ... }:
let
  transposed = name: type: description: flake-parts-lib.mkTransposedPerSystemModule {
    inherit name;
    file = ./outputs.nix;
    option = lib.mkOption { inherit type description; default = { }; };
  };
in
{
  imports = [
    (transposed "packages" (lib.types.lazyAttrsOf lib.types.package)
      "Packages, built by `nix build .#NAME`.")
    (transposed "devShells" (lib.types.lazyAttrsOf lib.types.package)
      "Shells, entered with `nix develop .#NAME`.")
    (transposed "checks" (lib.types.lazyAttrsOf lib.types.package)
      "Derivations built by `nix flake check`.")
    (transposed "apps" (lib.types.lazyAttrsOf (lib.types.attrsOf lib.types.str))
      "Programs run by `nix run .#NAME`.")
    (flake-parts-lib.mkTransposedPerSystemModule {
      name = "formatter";
      file = ./outputs.nix;
      option = lib.mkOption {
        type = lib.types.nullOr lib.types.package;
        default = null;
        description = "The package `nix fmt` runs.";
      };
    })
  ];
}
