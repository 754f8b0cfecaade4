let d = derivation { name = "ap"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; };
    drv = builtins.unsafeDiscardStringContext d.drvPath;
    src = builtins.unsafeDiscardStringContext "${../tree}";
    s = builtins.appendContext "text" { ${drv} = { outputs = [ "dev" ]; allOutputs = true; }; ${src} = { path = true; }; };
in { ctx = builtins.getContext s; inherit s; empty = builtins.getContext (builtins.appendContext "" { }); }
