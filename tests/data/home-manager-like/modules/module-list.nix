# Every module of the fixture, in the order eval.nix imports them.
[
  ./home-environment.nix
  ./files.nix
  ./misc/version.nix
  ./programs/git.nix
]
