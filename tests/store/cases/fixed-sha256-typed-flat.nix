let d = derivation { name = "fod"; builder = "b"; system = "x"; outputHash = "sha256:1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3"; };
in { inherit (d) drvPath outPath; }
