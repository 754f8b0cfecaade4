# read-write-mode
let
  src = "${../tree}";
  filtered = builtins.filterSource (p: t: baseNameOf p != "skip.bak") ../tree;
in [
  (builtins.hashFile "sha256" "${src}/hello.txt")
  (builtins.readFile "${src}/sub/deeper/data")
  (builtins.storePath src)
  (builtins.hashFile "md5" "${filtered}/run.sh")
  (builtins.path { path = "${src}/sub"; })
  (builtins.readFile "${builtins.path { path = ../tree; name = "renamed"; }}/run.sh")
]
