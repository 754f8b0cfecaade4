# Packages outside by-name, one `callPackage` line each, as in nixpkgs.
final: prev:
with final;
{
  zlib = callPackage ../development/libraries/zlib { };

  curl = callPackage ../tools/networking/curl { };

  curlMinimal = curl.override { zlibSupport = false; };

  writeText =
    name: text:
    derivation {
      inherit name text system;
      builder = "/bin/sh";
      args = [
        "-c"
        "cp $textPath $out"
      ];
      passAsFile = [ "text" ];
    };
}
