{ lib, ... }:
{
  options.meta = {
    maintainers = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      internal = true;
      default = [ ];
      description = "Who maintains the modules.";
    };
    doc = lib.mkOption {
      type = lib.types.attrsOf lib.types.path;
      internal = true;
      default = { };
      description = "Documentation files of the modules.";
    };
  };
}
