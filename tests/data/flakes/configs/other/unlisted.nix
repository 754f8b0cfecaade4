{ lib, ... }:
{
  networking.hostName = "unlisted";
}
