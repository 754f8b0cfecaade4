{ pkgs, ... }:
{
  networking.hostName = "mac";
  system.primaryUser = "me";
  system.defaults.dock.autohide = true;
  homebrew = {
    enable = true;
    onActivation.cleanup = "zap";
  };
}
