let d = derivation { name = "sfalse"; builder = "b"; system = "x"; __structuredAttrs = false; };
in [ d.drvPath d.outPath ]
