# A flake module: a perSystem option of its own and a package using it.
{ lib, flake-parts-lib, ... }:
{
  options.perSystem = flake-parts-lib.mkPerSystemOption ({ config, ... }: {
    options.greeting = lib.mkOption {
      type = lib.types.str;
      default = "hello";
      description = "What the greeter package says.";
    };
  });

  config.perSystem = { config, system, ... }: {
    packages.greeter = derivation {
      name = "greeter";
      inherit system;
      builder = "/bin/sh";
      args = [ "-c" "echo ${config.greeting} > $out" ];
    };
  };
}
