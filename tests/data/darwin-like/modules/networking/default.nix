{ lib, ... }:
{
  options.networking.hostName = lib.mkOption {
    type = lib.types.nullOr (lib.types.strMatching "^[A-Za-z0-9][A-Za-z0-9-]*$");
    default = null;
    example = "Johns-MacBook-Pro";
    description = "The name of the machine.";
  };
}
