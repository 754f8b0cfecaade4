let
  d = derivation { name = throw "name is lazy"; builder = throw "builder"; system = "x"; extra = throw "extra"; };
  e = derivation { name = "e"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; };
in {
  type = d.type;
  outputName = d.outputName;
  names = builtins.attrNames d;
  isDrv = builtins.isAttrs d && d.type == "derivation";
  same = builtins.derivation == derivation;
  args = builtins.functionArgs derivation;
  devOf = e.dev.dev.out.outputName;
  drvAttrs = builtins.attrNames e.drvAttrs;
}
