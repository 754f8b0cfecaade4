let d = derivation {
  name = "types"; builder = "/bin/sh"; system = "x86_64-linux";
  int = 42; neg = -7; float = 1.5; small = 0.000001; t = true; f = false; n = null;
  list = [ 1 "two" [ 3 [ ] 4 ] null true false [ ] ];
  empty = ""; nested = [ [ ] [ ] "x" ];
  str = "with \"quotes\" and \\ and\nnewline\ttab\r";
};
in [ d.drvPath d.outPath ]
