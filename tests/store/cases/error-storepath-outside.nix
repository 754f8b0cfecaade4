[ (builtins.storePath "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11/") (builtins.storePath /tmp) ]
