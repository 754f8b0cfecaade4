let d = derivation {
  name = "args"; builder = "/bin/sh"; system = "x86_64-linux";
  args = [ "-c" "echo $out > \"$out\"" 1 true null [ "x" "y" ] ];
};
in [ d.drvPath d.outPath ]
