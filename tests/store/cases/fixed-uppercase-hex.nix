let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashAlgo = "sha256"; outputHash = "C3312E75BB52449902D5577BBCF3C9A150BA0A4F69E805C5527EA1AC3EFD8EDE"; };
in { inherit (d) drvPath outPath; }
