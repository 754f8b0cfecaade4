let d = derivation { name = "d"; builder = "b"; system = "x"; }; in { ${"${d}"} = 1; }
