# A NixOS-style module: the module system passes every argument; a module
# names those it might use and ignores the rest with `...`.
{ config, lib, pkgs, options, modulesPath, ... }:

let
  cfg = config.services.greeter;
  inherit (lib) mkEnableOption mkIf mkOption types;
in
{
  options.services.greeter = {
    enable = mkEnableOption "the greeter service";

    message = mkOption {
      type = types.str;
      default = "hello";
      description = "What the greeter says.";
    };

    port = mkOption {
      type = types.port;
      default = 8080;
      description = "Port the greeter listens on.";
    };
  };

  config = mkIf cfg.enable {
    systemd.services.greeter = {
      description = "Greeter";
      wantedBy = [ "multi-user.target" ];
      serviceConfig = {
        ExecStart = "${pkgs.busybox}/bin/httpd -f -p ${toString cfg.port}";
        DynamicUser = true;
      };
      environment.GREETING = cfg.message;
    };

    networking.firewall.allowedTCPPorts = lib.optional cfg.enable cfg.port;
  };
}
