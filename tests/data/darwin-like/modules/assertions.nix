{ lib, ... }:
{
  options.assertions = lib.mkOption {
    type = lib.types.listOf lib.types.unspecified;
    internal = true;
    default = [ ];
    description = "Conditions that must hold, with the message shown when one does not.";
  };
  options.warnings = lib.mkOption {
    type = lib.types.listOf lib.types.str;
    internal = true;
    default = [ ];
    description = "Messages shown when the system is built.";
  };
}
