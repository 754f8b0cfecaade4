{ mkDerivation }:
mkDerivation {
  pname = "hello";
  version = "2.12.2";
  meta.description = "A program that produces a familiar, friendly greeting";
}
