# Git: a package, a settings tree, hooks, ignores and included files.
{ config, lib, pkgs, ... }:
let
  inherit (lib) mkOption types;
  cfg = config.programs.git;

  include = types.submodule {
    options = {
      path = mkOption {
        type = types.either types.str types.path;
        description = "The file to include.";
      };
      condition = mkOption {
        type = types.nullOr types.str;
        default = null;
        example = "gitdir:~/work/";
        description = "When set, the file is included only where the condition holds.";
      };
      contents = mkOption {
        type = types.attrsOf types.anything;
        default = { };
        example = { user.email = "me@work.example"; };
        description = "Settings written into the included file instead of a path.";
      };
    };
  };
in
{
  imports = [
    (lib.mkRenamedOptionModule [ "programs" "git" "userName" ] [ "programs" "git" "settings" "user" "name" ])
  ];

  options.programs.git = {
    enable = lib.mkEnableOption "Git";

    package = lib.mkPackageOption pkgs "git" { };

    settings = mkOption {
      type = types.attrsOf (types.attrsOf types.anything);
      default = { };
      example = { core.editor = "vi"; };
      description = "Git configuration, one attribute set per section.";
    };

    hooks = mkOption {
      type = types.attrsOf types.path;
      default = { };
      example = lib.literalExpression "{ pre-commit = ./check.sh; }";
      description = "Hook scripts by hook name.";
    };

    ignores = mkOption {
      type = types.listOf types.str;
      default = [ ];
      example = [ "*.swp" ];
      description = "Patterns every repository ignores.";
    };

    includes = mkOption {
      type = types.listOf include;
      default = [ ];
      description = "Further configuration files to include, conditionally or not.";
    };
  };

  config = lib.mkIf cfg.enable {
    home.file.".config/git/ignore" = lib.mkIf (cfg.ignores != [ ]) {
      text = lib.concatStringsSep "\n" cfg.ignores + "\n";
    };
  };
}
