{ config, lib, pkgs, ... }:
let
  cfg = config.services.openssh;
in
{
  imports = [
    (lib.mkRenamedOptionModule
      [ "services" "openssh" "permitRootLogin" ]
      [ "services" "openssh" "settings" "PermitRootLogin" ])
  ];

  options.services.openssh = {
    enable = lib.mkEnableOption "the OpenSSH secure shell daemon";
    ports = lib.mkOption {
      type = lib.types.listOf lib.types.port;
      default = [ 22 ];
      description = "The ports the daemon listens on.";
    };
    openFirewall = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Whether to open the ports in the firewall.";
    };
    settings = lib.mkOption {
      type = lib.types.submodule {
        freeformType = lib.types.attrsOf (lib.types.oneOf [ lib.types.str lib.types.int lib.types.bool ]);
        options = {
          PermitRootLogin = lib.mkOption {
            type = lib.types.enum [ "yes" "without-password" "prohibit-password" "forced-commands-only" "no" ];
            default = "prohibit-password";
            description = "Whether root may log in, and how.";
          };
          PasswordAuthentication = lib.mkOption {
            type = lib.types.nullOr lib.types.bool;
            default = true;
            description = "Whether passwords are accepted.";
          };
        };
      };
      default = { };
      description = "Settings written to the daemon's configuration file.";
    };
  };

  config = lib.mkIf cfg.enable {
    assertions = [
      {
        assertion = cfg.ports != [ ];
        message = "services.openssh.ports must list a port";
      }
    ];
  };
}
