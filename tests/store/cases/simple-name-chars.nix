let d = derivation { name = "a-b.c_d+e?f=g"; builder = "b"; system = "x"; };
in [ d.drvPath d.outPath ]
