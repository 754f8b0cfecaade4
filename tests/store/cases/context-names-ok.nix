let
  d = derivation { name = "d"; builder = "b"; system = "x"; };
  plain = builtins.unsafeDiscardStringContext "${d}";
in {
  ok = { ${plain} = 1; } ? ${plain};
  parsed = builtins.parseDrvName (builtins.unsafeDiscardStringContext d.name);
  hashed = builtins.hashString "sha256" "${d}";
  matched = builtins.getContext (builtins.head (builtins.match "(.*)-d" "${d}"));
  elem = builtins.elem "${d}" [ (builtins.unsafeDiscardStringContext d.outPath) ];
  sorted = map builtins.hasContext (builtins.sort builtins.lessThan [ "${d}" "a" ]);
}
