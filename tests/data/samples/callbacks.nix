# Callback arguments the callee passes but this code does not need.
{ lib }:

let
  names = lib.mapAttrsToList (name: value: name) { a = 1; b = 2; };
  flags = lib.mapAttrs (_name: enabled: if enabled then "on" else "off") { x = true; };
  unused = 42;
in
{
  inherit names flags;
  count = lib.foldl' (acc: item: acc + 1) 0 names;
  constant = builtins.map (_: 0) names;
}
