builtins.path { path = ../tree; name = "source"; }
