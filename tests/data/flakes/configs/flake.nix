{
  description = "A flake exposing one configuration, for automatic option sets";

  inputs.system.url = "path:./system";

  outputs = { self, system }: {
    nixosConfigurations.demo = system.lib.nixosSystem {
      modules = [ ./hosts/demo.nix ];
    };
  };
}
