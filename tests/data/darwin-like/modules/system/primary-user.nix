{ lib, ... }:
{
  options.system.primaryUser = lib.mkOption {
    type = lib.types.nullOr lib.types.str;
    default = null;
    description = "The user the per-user settings apply to.";
  };
}
