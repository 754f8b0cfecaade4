(derivation { name = "a"; builder = "b"; system = "x"; __contentAddressed = true; }).drvPath
