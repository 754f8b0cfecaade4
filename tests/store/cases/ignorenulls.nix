let
  with_ = derivation { name = "in"; builder = "b"; system = "x"; __ignoreNulls = true; a = null; b = "x"; };
  without = derivation { name = "in"; builder = "b"; system = "x"; b = "x"; };
  keep = derivation { name = "in"; builder = "b"; system = "x"; a = null; b = "x"; };
in [ with_.drvPath without.drvPath keep.drvPath ]
