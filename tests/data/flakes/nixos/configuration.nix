{ config, lib, ... }:
{
  imports = [ ./users.nix ];

  networking.hostName = "server";
  services.openssh = {
    enable = true;
    ports = [ 22 2222 ];
    settings.PermitRootLogin = "no";
  };
}
