let d = derivation { name = "hc"; builder = "b"; system = "x"; };
    s = "prefix ${d} suffix";
in [ (builtins.hasContext s) (builtins.hasContext (builtins.unsafeDiscardStringContext s))
     (builtins.hasContext "plain") (builtins.unsafeDiscardStringContext s) ]
