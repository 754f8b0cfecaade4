(derivation { name = "a"; builder = "b"; system = "x"; outputHashAlgo = "sha256"; outputHash = "abc"; }).drvPath
