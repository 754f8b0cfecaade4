let d = derivation { name = "a"; builder = "b"; system = "x"; };
in { inherit (d) drvPath outPath name system builder type outputName; }
