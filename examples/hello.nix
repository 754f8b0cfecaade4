# A small sample: a package-like attribute set.
{ lib ? null, name ? "hello" }:
let
  version = "2.12.1";
  greeting = who: "Hello, ${who}!";
in
rec {
  pname = name;
  inherit version;
  message = greeting "world";
  meta = {
    description = "A program that produces a familiar, friendly greeting";
    platforms = [ "x86_64-linux" "aarch64-linux" ];
  };
  full = "${pname}-${version}";
}
