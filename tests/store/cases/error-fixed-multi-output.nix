(derivation { name = "a"; builder = "b"; system = "x"; outputs = [ "out" "dev" ]; outputHash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; }).drvPath
