{
  description = "A flake-parts flake: option sets of its flake modules and of perSystem";

  inputs.flake-parts.url = "path:../../flake-parts-like";

  outputs = inputs@{ flake-parts, ... }:
    flake-parts.lib.mkFlake { inherit inputs; } {
      imports = [ ./parts/greeting.nix ];
      systems = [ "x86_64-linux" ];
      perSystem = { config, system, ... }: {
        greeting = "hello from ${system}";
        packages.default = config.packages.greeter;
      };
      flake = {
        answer = 42;
      };
    };
}
