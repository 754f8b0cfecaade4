(derivation { name = "a"; builder = "b"; system = "x"; outputs = [ "out" "drv" ]; }).drvPath
