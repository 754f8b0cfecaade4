(derivation { name = "a"; builder = "b"; system = "x"; outputs = [ "out" "out" ]; }).drvPath
