# The interface of flake-parts' library (mkFlake, evalFlakeModule,
# mkPerSystemOption, mkTransposedPerSystemModule), reduced to what the tests use.
{ lib }:
let
  partsLib = {
    evalFlakeModule = { inputs, specialArgs ? { } }: module:
      lib.evalModules {
        class = "flake";
        specialArgs = {
          inherit inputs;
          inherit (inputs) self;
          flake-parts-lib = partsLib;
        } // specialArgs;
        modules = [ ./modules/core.nix ./modules/outputs.nix module ];
      };

    mkFlake = args: module: (partsLib.evalFlakeModule args module).config.flake;

    # An option to merge into `perSystem`: its type carries `module` along.
    mkPerSystemOption = module: lib.mkOption {
      type = lib.types.deferredModuleWith { staticModules = [ module ]; };
    };

    # `perSystem.NAME` declared as `option`, and `flake.NAME.SYSTEM` made from it.
    mkTransposedPerSystemModule = { name, option, file }: { config, ... }: {
      _file = file;
      options.flake.${name} = lib.mkOption {
        type = lib.types.lazyAttrsOf option.type;
        default = { };
        description = "The per-system `${name}` of every system.";
      };
      options.perSystem = partsLib.mkPerSystemOption {
        _file = file;
        options.${name} = option;
      };
      config.flake.${name} = lib.genAttrs config.systems (system: (config.perSystem system).${name});
    };
  };
in
partsLib
