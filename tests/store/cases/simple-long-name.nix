let d = derivation { name = "n${builtins.concatStringsSep "" (builtins.genList (_: "x") 200)}"; builder = "b"; system = "x"; };
in [ d.drvPath d.outPath ]
