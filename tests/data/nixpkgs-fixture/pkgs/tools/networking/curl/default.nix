{
  lib,
  stdenv,
  fetchurl,
  zlib,
  zlibSupport ? true,
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "curl";
  version = "8.11.1";

  src = fetchurl {
    url = "https://curl.se/download/curl-${finalAttrs.version}.tar.xz";
    hash = "sha256-x8p9tIsJCXQ+rvNCUNoCwZvGHU8dzt1mA/EJQJU2q1Y=";
  };

  buildInputs = lib.optional zlibSupport zlib;

  meta = {
    description = "Command line tool for transferring files with URL syntax";
    homepage = "https://curl.se/";
    license = lib.licenses.curl;
  };
})
