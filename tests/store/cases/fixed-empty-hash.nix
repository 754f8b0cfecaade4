let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashAlgo = "sha256"; outputHash = ""; };
in { inherit (d) drvPath outPath; }
