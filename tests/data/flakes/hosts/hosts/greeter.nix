{ lib, ... }:
{
  options.services.greeter.enable = lib.mkEnableOption "the greeter";
}
