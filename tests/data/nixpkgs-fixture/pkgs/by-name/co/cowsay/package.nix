{
  lib,
  stdenv,
  fetchFromGitHub,
}:

stdenv.mkDerivation rec {
  pname = "cowsay";
  version = "3.8.4";

  src = fetchFromGitHub {
    owner = "cowsay-org";
    repo = "cowsay";
    rev = "v${version}";
    hash = "sha256-m3Rndw0rnTBLhs15KqokzIOWuYl6aoPqEu2MHWpXRIs=";
  };

  meta = {
    description = "Program which generates ASCII pictures of a cow with a message";
    license = lib.licenses.gpl3Only;
    mainProgram = "cowsay";
  };
}
