builtins.path { path = ../tree; hash = "x"; }
