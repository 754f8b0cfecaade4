let d = derivation { name = "m3"; builder = "b"; system = "x"; outputs = [ "out" "man" "doc" ]; };
in map (o: [ o.outputName o.outPath o.drvPath ]) d.all
