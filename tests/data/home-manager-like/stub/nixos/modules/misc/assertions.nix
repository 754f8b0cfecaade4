# Stand-in for nixpkgs' nixos/modules/misc/assertions.nix (written for nixls's tests).
{ lib, ... }:
{
  options.assertions = lib.mkOption {
    type = lib.types.listOf lib.types.unspecified;
    internal = true;
    default = [ ];
    description = "Conditions that must hold.";
  };
  options.warnings = lib.mkOption {
    type = lib.types.listOf lib.types.str;
    internal = true;
    default = [ ];
    description = "Warnings to print.";
  };
}
