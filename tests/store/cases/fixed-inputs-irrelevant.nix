let
  dep1 = derivation { name = "dep1"; builder = "b"; system = "x"; };
  dep2 = derivation { name = "dep2"; builder = "b"; system = "x"; };
  f = dep: derivation { name = "fetch"; builder = "b"; system = "x"; inherit dep;
    outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; };
  user = dep: derivation { name = "user"; builder = "b"; system = "x"; src = f dep; };
in { fod = [ (f dep1).outPath (f dep2).outPath ]; drvs = [ (f dep1).drvPath (f dep2).drvPath ];
     users = [ (user dep1).outPath (user dep2).outPath ]; userDrvs = [ (user dep1).drvPath (user dep2).drvPath ]; }
