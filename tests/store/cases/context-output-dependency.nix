let d = derivation { name = "od"; builder = "b"; system = "x"; };
in { before = builtins.getContext d.drvPath;
     after = builtins.getContext (builtins.unsafeDiscardOutputDependency d.drvPath);
     out = builtins.getContext (builtins.unsafeDiscardOutputDependency d.outPath); }
