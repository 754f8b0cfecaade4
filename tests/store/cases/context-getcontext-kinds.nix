let
  d = derivation { name = "ctx"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; };
in builtins.getContext "${d} ${d.dev} ${d.drvPath} ${../tree} ${builtins.toFile "f" "x"}"
