builtins.addErrorContext "while doing something" (derivation { name = "aec"; builder = "b"; system = "x"; }).drvPath
