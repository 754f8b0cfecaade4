# The release a configuration was written against: an enum, so that a value
# outside the list is a type error the editor can point at.
{ lib, ... }:
let
  releases = [
    "18.09"
    "19.03"
    "19.09"
    "20.03"
    "20.09"
    "21.05"
    "21.11"
    "22.05"
    "22.11"
    "23.05"
    "23.11"
    "24.05"
    "24.11"
    "25.05"
    "25.11"
    "26.05"
  ];
in
{
  options.home.stateVersion = lib.mkOption {
    type = lib.types.enum releases;
    example = "25.05";
    description = ''
      The release whose defaults this configuration relies on. Raise it only
      after reading what changed between the two releases.
    '';
  };
}
