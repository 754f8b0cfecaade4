let
  a = derivation { name = "a"; builder = "b"; system = "x"; outputs = [ "out" "dev" "bin" ]; };
  b = derivation { name = "b"; builder = "${a.bin}/bin/sh"; system = "x"; dev = a.dev; outputs = [ "out" "lib" ]; };
  c = derivation { name = "c"; builder = "b"; system = "x"; deps = [ a b.lib a.out ]; };
in [ c.drvPath c.outPath b.lib.outPath ]
