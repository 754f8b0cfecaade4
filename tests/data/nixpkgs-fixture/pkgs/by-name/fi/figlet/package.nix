{
  lib,
  stdenv,
  fetchurl,
}:

stdenv.mkDerivation {
  pname = "figlet";
  version = "2.2.5";

  src = fetchurl {
    url = "ftp://ftp.figlet.org/pub/figlet/program/unix/figlet-2.2.5.tar.gz";
    hash = "sha256-v4jED9Dwd9qycS0U+bSU+bmXHO9ngXhRHuNQGSu1c4U=";
  };

  meta = {
    description = "Program for making large letters out of ordinary text";
    license = lib.licenses.bsd3;
    platforms = lib.platforms.unix;
  };
}
