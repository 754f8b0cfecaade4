(derivation { name = "a.drv"; builder = "b"; system = "x"; }).drvPath
