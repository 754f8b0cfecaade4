{ lib, ... }:
{
  options.networking = {
    hostName = lib.mkOption {
      type = lib.types.strMatching "^$|^[[:alnum:]]([[:alnum:]_-]{0,61}[[:alnum:]])?$";
      default = "nixos";
      description = "The name of the machine.";
    };
    firewall.enable = lib.mkOption {
      type = lib.types.bool;
      default = true;
      description = "Whether to enable the firewall.";
    };
  };
}
