let
  a = builtins.toFile "a" "A";
  b = builtins.toFile "b" "refers to ${a} and ${../tree/hello.txt}";
  c = builtins.toFile "c" "${b}";
in { inherit a b c; ctx = builtins.getContext c; bctx = builtins.getContext b; }
