let d = derivation { name = "a"; builder = "b"; system = "x"; };
    f = builtins.toFile "ok" (builtins.unsafeDiscardOutputDependency d.drvPath);
in { inherit f; ctx = builtins.getContext f; }
