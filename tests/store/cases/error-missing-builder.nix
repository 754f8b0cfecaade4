(derivation { name = "a"; system = "x"; }).drvPath
