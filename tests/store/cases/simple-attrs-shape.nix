let d = derivation { name = "shape"; builder = "b"; system = "x"; extra = "e"; };
in { names = builtins.attrNames d; all = map (o: o.outputName) d.all;
     same = d.out.outPath == d.outPath; drvAttrs = builtins.attrNames d.drvAttrs; }
