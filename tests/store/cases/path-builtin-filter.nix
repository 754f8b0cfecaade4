builtins.path { path = ../tree; name = "filtered";
  filter = path: type: type != "symlink" && baseNameOf path != "skip.bak"; }
