let
  script = builtins.toFile "builder.sh" "echo ${../tree/hello.txt}";
  d = derivation { name = "tf"; builder = "/bin/sh"; args = [ script ]; system = "x"; };
in [ d.drvPath d.outPath ]
