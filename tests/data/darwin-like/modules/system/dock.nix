{ lib, ... }:
{
  options.system.defaults.dock = {
    autohide = lib.mkOption {
      type = lib.types.nullOr lib.types.bool;
      default = null;
      description = "Whether to hide the dock automatically.";
    };
    autohide-delay = lib.mkOption {
      type = lib.types.nullOr lib.types.float;
      default = null;
      example = 0.24;
      description = "Seconds before the dock hides.";
    };
    orientation = lib.mkOption {
      type = lib.types.nullOr (lib.types.enum [ "bottom" "left" "right" ]);
      default = null;
      description = "Where the dock is.";
    };
  };
}
