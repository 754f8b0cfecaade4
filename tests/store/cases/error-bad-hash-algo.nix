(derivation { name = "a"; builder = "b"; system = "x"; outputHash = "sha3:abc"; }).drvPath
