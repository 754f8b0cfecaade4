let d = derivation { name = "ts"; builder = "b"; system = "x"; };
in { s = "${d}"; t = toString d; ctx = builtins.getContext "${d}"; }
