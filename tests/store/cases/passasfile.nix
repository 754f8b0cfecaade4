let d = derivation { name = "paf"; builder = "b"; system = "x"; passAsFile = [ "text" "other" ];
  text = "long text"; other = ../tree/hello.txt; };
in [ d.drvPath d.outPath ]
