{ ... }:
{
  imports = [ ./services.nix ];
  networking.hostName = "demo";
}
