let
  a = derivation { name = "a"; builder = "/bin/sh"; system = "x86_64-linux"; };
  b = derivation { name = "b"; builder = "/bin/sh"; system = "x86_64-linux"; input = a; };
  c = derivation { name = "c"; builder = "/bin/sh"; system = "x86_64-linux"; input = b; args = [ "${a}/bin" ]; };
in { a = [ a.drvPath a.outPath ]; b = [ b.drvPath b.outPath ]; c = [ c.drvPath c.outPath ];
     ctx = builtins.getContext "${c} ${b.drvPath}"; }
