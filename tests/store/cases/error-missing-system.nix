(derivation { name = "a"; builder = "b"; }).drvPath
