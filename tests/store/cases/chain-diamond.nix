let
  base = derivation { name = "base"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; };
  l = derivation { name = "left"; builder = "b"; system = "x"; inherit base; };
  r = derivation { name = "right"; builder = "b"; system = "x"; dev = base.dev; };
  top = derivation { name = "top"; builder = "b"; system = "x"; inherit l r; base = base.dev; };
in [ top.drvPath top.outPath ]
