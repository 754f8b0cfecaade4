{ config, lib, ... }:
let
  userOptions = { name, ... }: {
    options = {
      name = lib.mkOption {
        type = lib.types.str;
        default = name;
        defaultText = lib.literalExpression "<name>";
        description = "The name of the user account.";
      };
      uid = lib.mkOption {
        type = lib.types.nullOr lib.types.int;
        default = null;
        description = "The account's user id (null: one is chosen).";
      };
      isNormalUser = lib.mkOption {
        type = lib.types.bool;
        default = false;
        description = "Whether this is an account for a real person (home directory, login shell).";
      };
      extraGroups = lib.mkOption {
        type = lib.types.listOf lib.types.str;
        default = [ ];
        description = "The groups the user belongs to besides its own.";
      };
      openssh.authorizedKeys.keys = lib.mkOption {
        type = lib.types.listOf lib.types.singleLineStr;
        default = [ ];
        description = "Public keys that may log in as this user.";
      };
    };
  };
in
{
  options.users = {
    mutableUsers = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Whether accounts may be changed outside the configuration.";
    };
    users = lib.mkOption {
      type = lib.types.attrsOf (lib.types.submodule userOptions);
      default = { };
      description = "The user accounts.";
    };
  };

  config.assertions = lib.mapAttrsToList (name: user: {
    assertion = user.uid == null || user.uid >= 0;
    message = "users.users.${name}.uid must not be negative";
  }) config.users.users;
}
