builtins.path { path = ../tree/sub; recursive = true;
  filter = p: t: t == "directory" || baseNameOf p == "data";
  sha256 = "sha256-PSCvhsbNT8CDoS/RoQi0MS2V4OKH9qei7jbF0y3VGek="; }
