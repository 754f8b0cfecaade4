"""A small tree of local flakes, built the same way for recording and for testing.

``simple`` has no inputs; ``user`` has a path input (``simple``, locked in its
``flake.lock``) and a non-flake path input (``data``, not in the lock file);
``simple``'s `./.` shows where an input is evaluated from (its store path);
``broken`` has an input that would need the network; ``paths`` reads its own
files through `./.` (the flake's store path) and ``nested`` is a flake in a
subdirectory (``?dir=inner``). Flake files name
their inputs by absolute path, so the tree is made under a given root and
outputs are compared with that root written as ``@TREE@``.
"""

from __future__ import annotations

import json
import os
from pathlib import Path

SIMPLE = """{
  description = "a flake with no inputs";
  outputs = { self }: {
    answer = 42;
    selfPath = self.outPath;
    names = builtins.attrNames self;
    here = toString ./.;
  };
}
"""

USER = """{
  description = "a flake with a path input and a non-flake input";
  inputs.simple.url = "path:@TREE@/simple";
  inputs.data = { url = "path:@TREE@/data"; flake = false; };
  outputs = { self, simple, data }: {
    answer = simple.answer + 1;
    dataText = builtins.readFile "${data}/file.txt";
    dataKeys = builtins.attrNames data;
    simpleKeys = builtins.attrNames simple;
    selfNarHash = self.narHash;
  };
}
"""

BROKEN = """{
  inputs.nixpkgs.url = "github:NixOS/nixpkgs/nixos-24.05";
  outputs = { self, nixpkgs }: { x = nixpkgs.lib; y = 1; };
}
"""

PATHS = """{
  outputs = { self }: {
    here = ./.;
    hereStr = "${./.}";
    sub = ./sub;
    subStr = "${./sub}";
    text = builtins.readFile ./sub/a.txt;
    viaSelf = builtins.readFile "${self}/sub/a.txt";
    selfStr = "${self}";
    listing = builtins.readDir ./.;
    exists = [ (builtins.pathExists ./sub/a.txt) (builtins.pathExists ./nope) ];
    pos = __curPos;
    imported = import ./sub/b.nix;
    kind = builtins.readFileType ./sub;
    hash = builtins.hashFile "sha256" ./sub/a.txt;
    filtered = builtins.path { path = ./.; name = "f"; filter = p: t: baseNameOf p != "a.txt"; };
    dirOfFile = dirOf ./sub/a.txt;
  };
}
"""

NESTED = """{
  outputs = { self }: { here = ./.; selfPath = self.outPath; up = builtins.readFile ../top.txt; };
}
"""

# The lock entry of `simple`; its narHash is that of SIMPLE's directory.
SIMPLE_NAR_HASH = "sha256-edCztomNjQ5mPZaB9f6MgUPmY/jfBTnKqdwLW9cnxpI="
STAMP = 1700000000


def make_tree(root: Path) -> Path:
    """Write the flakes under ``root`` (all files with one fixed mtime); returns ``root``."""
    files = {
        "simple/flake.nix": SIMPLE,
        "data/file.txt": "some data\n",
        "user/flake.nix": USER.replace("@TREE@", str(root)),
        "broken/flake.nix": BROKEN,
        "paths/flake.nix": PATHS,
        "paths/sub/a.txt": "hello\n",
        "paths/sub/b.nix": "{ p = ./.; t = builtins.readFile ./a.txt; }\n",
        "nested/top.txt": "top\n",
        "nested/inner/flake.nix": NESTED,
    }
    lock = {
        "nodes": {
            "root": {"inputs": {"simple": "simple"}},
            "simple": {
                "locked": {
                    "lastModified": STAMP,
                    "narHash": SIMPLE_NAR_HASH,
                    "path": f"{root}/simple",
                    "type": "path",
                },
                "original": {"path": f"{root}/simple", "type": "path"},
            },
        },
        "root": "root",
        "version": 7,
    }
    files["user/flake.lock"] = json.dumps(lock, indent=2) + "\n"
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    for top, dirs, names in os.walk(root):
        for entry in [*dirs, *names, "."]:
            os.utime(os.path.join(top, entry), (STAMP, STAMP))
    return root


EXPRESSIONS = [
    'let f = builtins.getFlake "@TREE@/simple"; in '
    "[ f.answer f.selfPath f.names f.narHash f.outPath f._type f.lastModified "
    "f.lastModifiedDate (builtins.attrNames f.sourceInfo) f.sourceInfo.outPath ]",
    'let f = builtins.getFlake "path:@TREE@/user"; in '
    "[ f.answer f.dataText f.dataKeys f.simpleKeys (builtins.attrNames f.inputs) "
    "f.inputs.simple.narHash f.inputs.data.outPath (f.selfNarHash == f.narHash) ]",
    'builtins.fetchTree "path:@TREE@/data"',
    'builtins.fetchTree { type = "path"; path = "@TREE@/data"; }',
    'builtins.fetchTree { type = "path"; path = "@TREE@/data"; narHash = "'
    + SIMPLE_NAR_HASH
    + '"; }',
    'builtins.fetchTree "@TREE@/data"',
    'builtins.fetchTree { path = "@TREE@/data"; }',
    'builtins.getFlake "@TREE@/data"',
    'with builtins.getFlake "path:@TREE@/paths"; '
    "[ here hereStr sub subStr text viaSelf selfStr listing exists pos imported kind hash "
    "filtered dirOfFile ]",
    'with builtins.getFlake "@TREE@/paths"; [ here (builtins.typeOf here) outPath ]',
    'with builtins.getFlake "path:@TREE@/nested?dir=inner"; [ here selfPath up outPath ]',
    # A path input is evaluated from its store path too: its `./.` is there.
    'let f = builtins.getFlake "path:@TREE@/user"; in '
    "[ f.inputs.simple.here f.inputs.simple.outPath ]",
]
# Evaluated by the tests only: Nix would download (ours is a clear error instead).
NEEDS_NETWORK = '(builtins.getFlake "@TREE@/broken").y'
