let d = derivation { name = "ops"; builder = "b"; system = "x"; };
    s = "${d}/bin/x";
    ctx = x: builtins.attrNames (builtins.getContext x);
in { sub = ctx (builtins.substring 0 5 s); cat = ctx (builtins.concatStringsSep "," [ "a" s ]);
     rep = ctx (builtins.replaceStrings [ "bin" ] [ "lib" ] s); plus = ctx ("x" + s);
     json = ctx (builtins.toJSON { inherit s; }); base = ctx (baseNameOf s); dir = ctx (dirOf s); }
