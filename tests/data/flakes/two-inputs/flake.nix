{
  description = "Two path inputs, locked";

  inputs = {
    libA.url = "path:./inputs/libA";
    libB = {
      url = "path:./inputs/libB";
    };
  };

  outputs = { self, libA, ... }@inputs: {
    lib.greeting = libA.lib.greet "nixls";
    packages.x86_64-linux.default = {
      name = "demo";
      version = inputs.libB.version;
      greeting = self.lib.greeting;
    };
  };
}
