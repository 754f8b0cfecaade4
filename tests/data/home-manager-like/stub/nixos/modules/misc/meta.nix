# Stand-in for nixpkgs' nixos/modules/misc/meta.nix (written for nixls's tests).
{ lib, ... }:
{
  options.meta.maintainers = lib.mkOption {
    type = lib.types.listOf lib.types.raw;
    internal = true;
    default = [ ];
    description = "Maintainers of the module.";
  };
}
