let
  a = derivation { name = "a"; builder = "b"; system = "x"; };
  plain = builtins.unsafeDiscardStringContext a.outPath;
  b1 = derivation { name = "b"; builder = "b"; system = "x"; dep = plain; };
  b2 = derivation { name = "b"; builder = "b"; system = "x"; dep = builtins.appendContext plain { ${builtins.unsafeDiscardStringContext a.drvPath} = { outputs = [ "out" ]; }; }; };
  b3 = derivation { name = "b"; builder = "b"; system = "x"; dep = a.outPath; };
in [ b1.drvPath b2.drvPath b3.drvPath ]
