# The options every flake module sees: `systems`, `flake`, `perSystem`.
{ lib, ... }:
{
  options = {
    systems = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "The systems to make per-system outputs for.";
    };
    flake = lib.mkOption {
      type = lib.types.submodule { freeformType = lib.types.lazyAttrsOf lib.types.raw; };
      default = { };
      description = "The flake's outputs, written as they are.";
    };
    perSystem = lib.mkOption {
      type = lib.types.deferredModule;
      default = { };
      apply = module: system:
        (lib.evalModules {
          modules = [ module ];
          specialArgs = { inherit system; };
          class = "perSystem";
        }).config;
      description = "A module evaluated for each of `systems`; its options are the per-system outputs.";
    };
  };
}
