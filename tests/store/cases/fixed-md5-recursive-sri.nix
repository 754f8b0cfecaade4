let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashMode = "recursive"; outputHash = "md5-tMMCCHaDdwfUgUbzSiKLzA=="; };
in { inherit (d) drvPath outPath; }
