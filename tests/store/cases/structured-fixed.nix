let d = derivation { name = "sf"; builder = "b"; system = "x"; __structuredAttrs = true;
  outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; outputHashMode = "recursive"; };
in [ d.drvPath d.outPath ]
