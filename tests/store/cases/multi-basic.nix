let d = derivation { name = "m"; builder = "b"; system = "x"; outputs = [ "out" "dev" "lib" ]; };
in { inherit (d) drvPath outPath outputName; dev = d.dev.outPath; lib = d.lib.outPath;
     devName = d.dev.outputName; ctx = builtins.getContext d.dev.outPath; }
