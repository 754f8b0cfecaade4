[ (builtins.path { path = ../tree/hello.txt; recursive = false; })
  (builtins.path { path = ../tree/run.sh; recursive = false; name = "script"; })
  (builtins.path { path = ../tree/run.sh; recursive = true; }) ]
