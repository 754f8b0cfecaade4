let d = derivation { name = "uni"; builder = "b"; system = "x"; text = "héllo → ✓"; };
in [ d.drvPath d.outPath ]
