{
  lib,
  stdenv,
  hello,
  figlet,
}:

stdenv.mkDerivation {
  pname = "my-tool";
  version = "0.1.0";

  buildInputs = [
    hello
    figlet
  ];

  passthru.series = lib.versions.majorMinor "0.1.0";

  meta = {
    description = "Greets in large letters";
    license = lib.licenses.mit;
  };
}
