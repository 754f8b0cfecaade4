let d = derivation { name = "d"; builder = "b"; system = "x"; }; in builtins.getAttr d.drvPath { }
