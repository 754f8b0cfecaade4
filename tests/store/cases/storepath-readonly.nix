let
  q = builtins.storePath /nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11;
  r = builtins.storePath "/nix/store/d945ibfx9x185xf04b890y4f9g3cbb63-python-2.7.11/";
in { inherit q r; qctx = builtins.getContext q; rctx = builtins.getContext r;
     drv = (derivation { name = "uses"; builder = "b"; system = "x"; py = q; }).drvPath; }
