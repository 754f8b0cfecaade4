derivationStrict { builder = "b"; system = "x"; }
