let
  drvA1 = derivation { name = "a"; builder = "/foo"; system = "i686-linux"; };
  drvA2 = derivation { name = "a"; builder = "/foo"; system = "i686-linux"; } // { extra = 1; };
  drvB = derivation { name = "b"; builder = "/foo"; system = "i686-linux"; };
in [ (drvA1 == drvA2) (drvA1 == drvB) ("${drvA1}" == drvA1.outPath) (drvA1.outPath == builtins.unsafeDiscardStringContext drvA1.outPath) ]
