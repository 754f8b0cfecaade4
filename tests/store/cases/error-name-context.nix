derivationStrict { name = "${../tree}"; builder = "b"; system = "x"; }
