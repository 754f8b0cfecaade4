# A stand-in for nixpkgs' package set: every name a package-shaped set, enough
# for home-manager's option declarations (written for nixls's tests).
{ lib, path }:
let
  drv = name: {
    type = "derivation";
    inherit name;
    pname = name;
    version = "0";
    outPath = "/nix/store/00000000000000000000000000000000-${name}";
    drvPath = "/nix/store/00000000000000000000000000000000-${name}.drv";
    outputs = [ "out" ];
    meta.mainProgram = name;
    override = _: drv name;
    overrideAttrs = _: drv name;
  };
  valueType =
    with lib.types;
    nullOr (oneOf [ bool int float str lib.types.path (attrsOf valueType) (listOf valueType) ])
    // { description = "settings value"; };
  format = _: {
    type = valueType;
    generate = name: _: drv name;
  };
  named = name: _: drv name;
in
lib.genAttrs [ "git" "gitFull" "git-lfs" "openssh" "gnupg" "coreutils" "diffutils" "less" ] drv
// {
  inherit lib path;
  formats = lib.genAttrs [ "json" "yaml" "toml" "ini" "keyValue" "gitIni" ] format;
  stdenv = drv "stdenv" // {
    hostPlatform = lib.systems.elaborate "x86_64-linux";
    isLinux = true;
    isDarwin = false;
  };
  system = "x86_64-linux";
  writeText = named;
  writeShellScript = named;
  linkFarm = named;
  runCommand = name: _: _: drv name;
  buildEnv = a: drv (a.name or "env");
  writeTextFile = a: drv a.name;
}
