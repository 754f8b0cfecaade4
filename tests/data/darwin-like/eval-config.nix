# The configuration's modules after the base ones, `pkgs` given as a module argument.
{ lib, modules, pkgs, baseModules }:
lib.evalModules {
  class = "darwin";
  modules = baseModules ++ modules ++ [ { _module.args.pkgs = pkgs; } ];
  specialArgs.modulesPath = toString ./modules;
}
