let d = derivation { name = "inf"; builder = "b"; system = "x"; __ignoreNulls = false; a = null; };
in [ d.drvPath d.outPath ]
