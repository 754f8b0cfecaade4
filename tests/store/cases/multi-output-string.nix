let d = derivation { name = "ms"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; };
in builtins.derivationStrict { name = "ms2"; builder = "b"; system = "x"; outputs = "out dev"; }
