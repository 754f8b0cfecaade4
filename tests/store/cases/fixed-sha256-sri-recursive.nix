let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashMode = "recursive"; outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; };
in { inherit (d) drvPath outPath; }
