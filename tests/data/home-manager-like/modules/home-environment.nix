# Who the configuration is for and the shape of their session.
{ config, lib, ... }:
let
  inherit (lib) mkOption types;

  keyboard = types.submodule {
    options = {
      layout = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "de";
        description = "Keyboard layout, or `null` to leave it to the system.";
      };
      variant = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "nodeadkeys";
        description = "Variant of the layout.";
      };
      model = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "pc105";
        description = "Keyboard model.";
      };
      options = mkOption {
        type = types.listOf types.str;
        default = [ ];
        example = [ "ctrl:nocaps" ];
        description = "Extra keyboard options.";
      };
    };
  };
in
{
  imports = [
    (lib.mkRemovedOptionModule [ "home" "sessionVariableSetter" ] ''
      Session variables are now always set by the generated profile script.
    '')
  ];

  options.home = {
    username = mkOption {
      type = types.nonEmptyStr;
      example = "alice";
      description = "Name of the user the configuration is for.";
    };

    homeDirectory = mkOption {
      type = types.path;
      example = "/home/alice";
      description = "The user's home directory, as an absolute path.";
    };

    enableNixpkgsReleaseCheck = mkOption {
      type = types.bool;
      default = true;
      description = "Whether to warn when the package set and this configuration come from different releases.";
    };

    keyboard = mkOption {
      type = types.nullOr keyboard;
      default = null;
      description = "Keyboard settings of the session; `null` leaves the keyboard alone.";
    };

    sessionVariables = mkOption {
      type = types.attrsOf (types.either types.str types.int);
      default = { };
      example = { EDITOR = "vi"; };
      description = "Environment variables set in every login shell.";
    };
  };

  config.home.sessionVariables = lib.mkIf (config.home.keyboard != null) {
    XKB_DEFAULT_LAYOUT = lib.mkIf (config.home.keyboard.layout != null) config.home.keyboard.layout;
  };
}
