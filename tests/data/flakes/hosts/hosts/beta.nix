{ ... }:
{
  imports = [ ./greeter.nix ];
  services.greeter.enable = true;
}
