# A `fetchFromGitHub` stub: the unpacked archive as a recursive fixed output
# named "source", as nixpkgs' fetchers name it.
{ system }:
{
  owner,
  repo,
  rev,
  hash,
}:
derivation {
  name = "source";
  inherit system;
  builder = "builtin:fetchurl";
  url = "https://github.com/${owner}/${repo}/archive/${rev}.tar.gz";
  unpack = true;
  outputHashMode = "recursive";
  outputHash = hash;
}
