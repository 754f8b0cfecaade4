let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashMode = "recursive"; outputHashAlgo = "sha1"; outputHash = "95608y4mr62rap576qdzjkfhak9nhq1x"; };
in { inherit (d) drvPath outPath; }
