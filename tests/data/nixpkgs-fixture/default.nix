# The entry point, shaped like nixpkgs' own: `import ./. { overlays = [ ... ]; }`
# gives the package set, a fixpoint built with the real nixpkgs lib.
{
  overlays ? [ ],
  config ? { },
  system ? builtins.currentSystem or "x86_64-linux",
  ...
}:
let
  lib = import ./lib;

  # What every package set starts with: the helpers callPackage finds.
  base = final: {
    inherit lib config system;
    pkgs = final;
    callPackage = lib.callPackageWith final;
    stdenv = import ./pkgs/stdenv { inherit lib system; };
    fetchurl = import ./pkgs/build-support/fetchurl { inherit lib system; };
    fetchFromGitHub = import ./pkgs/build-support/fetchgithub { inherit system; };
  };

  layers = [
    (import ./pkgs/top-level/by-name-overlay.nix ./pkgs/by-name)
    (import ./pkgs/top-level/all-packages.nix)
  ]
  ++ overlays;
in
lib.fix (lib.foldl' (lib.flip lib.extends) base layers)
