# A callPackage-style package: callPackage fills in every formal, so
# formals that one build variant does not use are normal.
{ lib
, stdenv
, fetchurl
, pkg-config
, zlib
, openssl
, withSsl ? true
, enableTests ? false
}:

stdenv.mkDerivation (finalAttrs: {
  pname = "hello-sample";
  version = "2.12.1";

  src = fetchurl {
    url = "mirror://gnu/hello/hello-${finalAttrs.version}.tar.gz";
    hash = "sha256-jZkUKv2SV28wsM18tCqNxoCZmLxdYH2Idh9RLibH2yA=";
  };

  nativeBuildInputs = [ pkg-config ];
  buildInputs = [ zlib ] ++ lib.optional withSsl openssl;

  configureFlags = lib.optional (!withSsl) "--without-ssl";

  doCheck = true;

  postInstall = ''
    mkdir -p $out/share/doc
    echo "${finalAttrs.pname} ${finalAttrs.version}" > $out/share/doc/VERSION
  '';

  passthru.tests = { };

  meta = {
    description = "A program that produces a familiar, friendly greeting";
    homepage = "https://www.gnu.org/software/hello/";
    license = lib.licenses.gpl3Plus;
    platforms = lib.platforms.all;
    mainProgram = "hello";
  };
})
