(derivation { name = "a b"; builder = "b"; system = "x"; }).drvPath
