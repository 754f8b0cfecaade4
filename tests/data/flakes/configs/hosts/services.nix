{ lib, ... }:
{
  options.services.greeter.enable = lib.mkEnableOption "the greeter";
  config.services.greeter.enable = true;
}
