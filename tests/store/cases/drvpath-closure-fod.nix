# read-write-mode
let
  f = derivation { name = "f"; builder = "b"; system = "x"; outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; };
  b = derivation { name = "b"; builder = "b"; system = "x"; inherit f; };
  c = derivation { name = "c"; builder = "b"; system = "x"; d = b.drvPath; e = f.drvPath; };
in [ c.drvPath c.outPath ]
