let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashAlgo = "sha256"; outputHash = "wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; };
in { inherit (d) drvPath outPath; }
