let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashAlgo = "md5"; outputHash = "b4c3020876837707d48146f34a228bcc"; };
in { inherit (d) drvPath outPath; }
