[
  ./config/users-groups.nix
  ./misc/assertions.nix
  ./misc/meta.nix
  ./services/networking/openssh.nix
  ./tasks/network.nix
]
