{
  lib,
  stdenv,
  fetchurl,
}:

stdenv.mkDerivation rec {
  pname = "zlib";
  version = "1.3.1";

  src = fetchurl {
    url = "https://www.zlib.net/fossils/zlib-${version}.tar.gz";
    hash = "sha256-mpOyt9/ax3zrpaVYpYDnRmfdb+3kWFuR7vtg8Dty3yM=";
  };

  meta = {
    description = "Lossless data-compression library";
    license = lib.licenses.zlib;
  };
}
