let d = derivation { name = "ph"; builder = "b"; system = "x"; outputs = [ "out" "dev" ];
  flags = "--prefix=${placeholder "out"} --includedir=${placeholder "dev"}/include"; };
in [ d.drvPath d.outPath d.dev.outPath (builtins.hasContext (placeholder "out")) ]
