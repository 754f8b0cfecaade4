let
  dep = derivation { name = "dep"; builder = "b"; system = "x"; };
  d = derivation { name = "s2"; builder = "b"; system = "x"; __structuredAttrs = true;
    deps = [ dep { inherit dep; } ]; cfg = { a.b.c = [ true false null 0.1 123456789.0 ]; s = "esc \" \\ \n \t"; };
    exportReferencesGraph.closure = [ dep ]; __toStringSet = { __toString = self: "custom"; };
  };
in [ d.drvPath d.outPath ]
