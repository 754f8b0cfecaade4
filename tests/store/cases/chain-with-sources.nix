let
  a = derivation { name = "a"; builder = "b"; system = "x"; src = ../tree; script = ../tree/run.sh; };
  b = derivation { name = "b"; builder = "b"; system = "x"; a = a; file = builtins.toFile "cfg" "src=${../tree/sub} ${builtins.toFile "inner" "x"}"; };
  c = derivation { name = "c"; builder = "b"; system = "x"; inherit a b; };
in { paths = [ a.drvPath b.drvPath c.drvPath c.outPath ]; ctx = builtins.getContext b.drvAttrs.file; }
