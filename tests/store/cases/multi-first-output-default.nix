let d = derivation { name = "m2"; builder = "b"; system = "x"; outputs = [ "bin" "out" ]; };
in { inherit (d) drvPath outPath outputName; out = d.out.outPath; }
