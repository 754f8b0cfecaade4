let p = builtins.path { path = ../tree; }; in { inherit p; ctx = builtins.getContext p; }
