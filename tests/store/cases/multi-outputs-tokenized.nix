(derivation { name = "a"; builder = "b"; system = "x"; outputs = [ "out" "a b" ]; }).drvPath
