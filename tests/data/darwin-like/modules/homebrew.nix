{ config, lib, pkgs, ... }:
let
  cfg = config.homebrew;
in
{
  imports = [
    (lib.mkRenamedOptionModule [ "homebrew" "cleanup" ] [ "homebrew" "onActivation" "cleanup" ])
    (lib.mkRemovedOptionModule [ "homebrew" "brewPrefix" ] "Use `homebrew.prefix` (without `/bin`).")
  ];

  options.homebrew = {
    enable = lib.mkEnableOption "managing Homebrew packages";
    brews = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Formulae to install.";
    };
    casks = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Casks to install.";
    };
    taps = lib.mkOption {
      type = lib.types.listOf lib.types.str;
      default = [ ];
      description = "Extra formula repositories.";
    };
    prefix = lib.mkOption {
      type = lib.types.str;
      default = if pkgs.stdenv.hostPlatform.isAarch64 then "/opt/homebrew" else "/usr/local";
      defaultText = lib.literalExpression ''if aarch64 then "/opt/homebrew" else "/usr/local"'';
      description = "Where Homebrew is installed.";
    };
    onActivation.cleanup = lib.mkOption {
      type = lib.types.enum [ "none" "check" "uninstall" "zap" ];
      default = "none";
      example = "uninstall";
      description = "What happens to installed packages the configuration does not list.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.onActivation.cleanup != "zap" || cfg.casks != [ ];
        message = "homebrew: `zap` without casks removes nothing useful.";
      }
    ];
  };
}
