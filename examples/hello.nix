# A small sample: a package-like attribute set, evaluated by `nixls eval`.
let
  version = "2.12.1";
  greeting = who: "Hello, ${who}!";
  platforms = [ "x86_64-linux" "aarch64-linux" ];
in
rec {
  pname = "hello";
  inherit version;
  name = "${pname}-${version}";
  message = greeting "world";
  meta = {
    description = "A program that produces a familiar, friendly greeting";
    inherit platforms;
    count = builtins.length platforms;
  };
}
