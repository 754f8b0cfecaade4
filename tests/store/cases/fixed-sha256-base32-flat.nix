let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHashAlgo = "sha256"; outputHash = "1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3"; };
in { inherit (d) drvPath outPath; }
