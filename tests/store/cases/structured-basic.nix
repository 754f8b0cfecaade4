let d = derivation { name = "s"; builder = "b"; system = "x"; __structuredAttrs = true;
  outputs = [ "out" "bin" ]; n = null; f = 1.5; l = [ 1 "a" ../tree/hello.txt ]; a = { y = 1; x = "q"; }; };
in [ d.drvPath d.outPath d.bin.outPath ]
