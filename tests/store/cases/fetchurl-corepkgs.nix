let
  f = import <nix/fetchurl.nix> { url = "http://example.com/a.tar.gz"; sha256 = "1plfzlzar8byab2hbs399w5bll51r7rvqyspsl19ji2jpdsjwcf3"; };
  g = import <nix/fetchurl.nix> { url = "http://example.com/b"; hash = "sha256-wzEudbtSRJkC1Vd7vPPJoVC6Ck9p6AXFUn6hrD79jt4="; executable = true; };
  h = import <nix/fetchurl.nix> { url = "http://example.com/c.zip"; md5 = "b4c3020876837707d48146f34a228bcc"; unpack = true; name = "c"; };
in [ f.drvPath f.outPath g.drvPath g.outPath h.drvPath h.outPath ]
