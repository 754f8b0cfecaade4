builtins.appendContext "x" { "${builtins.unsafeDiscardStringContext (builtins.toFile "f" "")}" = { outputs = [ "out" ]; }; }
