let d = derivation { name = "o"; builder = "b"; system = "x"; out = "ignored"; };
in [ d.drvPath d.outPath d.drvAttrs.out ]
