{ lib, ... }:
{
  options = {
    assertions = lib.mkOption {
      type = lib.types.listOf lib.types.unspecified;
      internal = true;
      default = [ ];
      example = [ { assertion = false; message = "you can't enable this for that reason"; } ];
      description = "Conditions that must hold when the system is built, each with its message.";
    };
    warnings = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      internal = true;
      default = [ ];
      description = "Messages printed when the system is built.";
    };
  };
}
