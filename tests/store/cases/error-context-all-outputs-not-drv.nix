builtins.appendContext "x" { "${builtins.unsafeDiscardStringContext (builtins.toFile "f" "")}" = { allOutputs = true; }; }
