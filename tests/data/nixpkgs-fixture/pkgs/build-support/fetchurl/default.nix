# A `fetchurl` stub: a fixed-output derivation that nothing here builds.
{ lib, system }:
{
  url,
  hash,
  name ? baseNameOf url,
}:
derivation {
  inherit name url system;
  builder = "builtin:fetchurl";
  outputHashMode = "flat";
  outputHash = hash;
}
