let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashAlgo = "sha1"; outputHash = "3d6068d354d04df91b36a75c9585c99578044c49"; };
in { inherit (d) drvPath outPath; }
