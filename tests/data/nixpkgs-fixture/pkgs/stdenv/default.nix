# A small `stdenv`: `mkDerivation` over `builtins.derivation`. As in nixpkgs it
# takes a set or a function of the final attributes (`finalAttrs: { ... }`),
# keeps `meta` and `passthru` out of the derivation's environment, and gives
# the result `overrideAttrs`.
{ lib, system }:
let
  make =
    f:
    let
      attrs = lib.fix f;
      name = attrs.name or "${attrs.pname}-${attrs.version}";
      drv = derivation (
        removeAttrs attrs [
          "meta"
          "passthru"
        ]
        // {
          inherit name system;
          buildInputs = attrs.buildInputs or [ ];
          builder = "/bin/sh";
          args = [
            "-c"
            (attrs.buildCommand or "echo ${name} > $out")
          ];
        }
      );
    in
    drv
    // attrs.passthru or { }
    // {
      meta = {
        inherit name;
        available = true;
      }
      // attrs.meta or { };
      overrideAttrs =
        g:
        make (
          final:
          let
            prev = f final;
            change = g prev;
          in
          prev // (if builtins.isFunction change then g final prev else change)
        );
    };
in
{
  inherit system;
  mkDerivation = fnOrAttrs: make (if builtins.isFunction fnOrAttrs then fnOrAttrs else _: fnOrAttrs);
  shell = "/bin/sh";
}
