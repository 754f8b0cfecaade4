let
  src = derivation { name = "src.tar.gz"; builder = "b"; system = "x"; outputHashMode = "recursive";
    outputHash = "sha256:1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3"; };
  build = derivation { name = "build"; builder = "b"; system = "x"; inherit src; };
  wrap = derivation { name = "wrap"; builder = "b"; system = "x"; inherit build src; };
in [ src.drvPath src.outPath build.drvPath build.outPath wrap.drvPath wrap.outPath ]
