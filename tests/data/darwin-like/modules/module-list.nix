[
  ./assertions.nix
  ./homebrew.nix
  ./networking
  ./system/dock.nix
  ./system/primary-user.nix
]
