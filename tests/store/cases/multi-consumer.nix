let
  m = derivation { name = "lib"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; };
  c = derivation { name = "consumer"; builder = "b"; system = "x"; headers = m.dev; libs = m; };
in { inherit (c) drvPath outPath; ctx = builtins.getContext "${m.dev} ${m}"; }
