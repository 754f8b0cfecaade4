# read-write-mode
let
  a = derivation { name = "a"; builder = "b"; system = "x"; src = ../tree; outputs = [ "out" "dev" ]; };
  b = derivation { name = "b"; builder = "b"; system = "x"; a = a.dev; cfg = builtins.toFile "cfg" "${../tree/hello.txt}"; };
  c = derivation { name = "c"; builder = "b"; system = "x"; d = b.drvPath; };
in [ c.drvPath c.outPath ]
