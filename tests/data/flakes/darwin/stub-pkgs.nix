# A stand-in for the package set nix-darwin's modules read (the few attributes
# their option defaults and declarations use).
{ lib }:
let
  package = name: derivation {
    inherit name;
    system = "aarch64-darwin";
    builder = "/bin/sh";
    args = [ "-c" "echo ${name} > $out" ];
  };
in
{
  inherit lib;
  stdenv.hostPlatform = {
    system = "aarch64-darwin";
    isAarch64 = true;
    isDarwin = true;
  };
  writeText = name: text: package name;
  mas = package "mas";
}
