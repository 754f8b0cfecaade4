builtins.derivationStrict { name = "strict"; builder = "b"; system = "x"; outputs = [ "out" "doc" ]; }
