let
  z = derivation { name = "z"; builder = "b"; system = "x"; outputs = [ "out" "b" "a" "aa" "a-b" ]; };
in builtins.getContext "${z.out}${z.b}${z.a}${z.aa}${z.a-b}${z.drvPath}"
