(derivation { name = "a"; builder = "b"; system = "x"; __structuredAttrs = true; f = x: x; }).drvPath
