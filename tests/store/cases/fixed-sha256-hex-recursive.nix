let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashMode = "recursive"; outputHashAlgo = "sha256"; outputHash = "c3312e75bb52449902d5577bbcf3c9a150ba0a4f69e805c5527ea1ac3efd8ede"; };
in { inherit (d) drvPath outPath; }
