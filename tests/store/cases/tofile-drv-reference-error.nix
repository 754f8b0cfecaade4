let d = derivation { name = "a"; builder = "b"; system = "x"; }; in builtins.toFile "bad" "${d}"
