let
  mkDerivation =
    { pname, version, meta ? { }, ... }@args:
    let
      pos = builtins.unsafeGetAttrPos "pname" args;
      drv = derivation {
        name = "${pname}-${version}";
        system = "x86_64-linux";
        builder = "/bin/sh";
        args = [ "-c" "echo > $out" ];
      };
    in
    drv // {
      inherit pname version;
      meta = meta // { position = "${pos.file}:${toString pos.line}"; };
    };
  callPackage = file: import file { inherit mkDerivation; };
in
{
  hello = callPackage ./hello.nix;
  # Fails when forced.
  broken = throw "broken package";
}
