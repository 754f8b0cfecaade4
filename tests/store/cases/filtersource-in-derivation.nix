let
  src = builtins.filterSource (p: t: baseNameOf p != "skip.bak") ../tree;
  d = derivation { name = "uses-src"; builder = "b"; system = "x"; inherit src; };
in { inherit src; inherit (d) drvPath outPath; }
