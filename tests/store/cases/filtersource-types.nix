let
  seen = builtins.filterSource (p: t: builtins.trace "${baseNameOf p}:${t}" true) ../tree;
  noDirs = builtins.filterSource (p: t: t != "directory") ../tree;
  onlyExe = builtins.filterSource (p: t: t == "directory" || baseNameOf p == "run.sh") ../tree;
in { inherit seen noDirs onlyExe; ctx = builtins.getContext onlyExe; }
