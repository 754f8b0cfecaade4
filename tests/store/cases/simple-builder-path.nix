let d = derivation { name = "bp"; builder = ../tree/run.sh; system = "x"; };
in { inherit (d) drvPath outPath; ctx = builtins.getContext d.drvPath; bctx = builtins.getContext "${d.drvAttrs.builder}"; }
