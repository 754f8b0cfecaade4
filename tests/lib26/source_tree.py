"""The source tree of ``tests/data/source-tree`` as lib's source functions see it.

:func:`make_tree` copies it (symlinks kept) and adds what git cannot hold:
a `.git` directory, which `cleanSource` must leave out. :data:`EXPRESSIONS`
are the `lib.fileset`, `lib.sources` and `lib.filesystem` calls whose store
paths are compared with Nix 2.26.3's (``record_sources.py``); ``@LIB@`` is
nixpkgs lib 26.11 and ``@TREE@`` the copied tree.
"""

from __future__ import annotations

import shutil
from pathlib import Path

SOURCE = Path(__file__).resolve().parents[1] / "data" / "source-tree" / "tree"


def make_tree(parent: Path) -> Path:
    """A copy of the tree as ``parent/tree``, with a `.git` directory added."""
    root = parent / "tree"
    shutil.copytree(SOURCE, root, symlinks=True)
    (root / ".git").mkdir()
    (root / ".git" / "HEAD").write_text("ref: refs/heads/main\n")
    return root


_LET = "let lib = import @LIB@; fs = lib.fileset; in "

EXPRESSIONS = [
    _LET + '"${fs.toSource { root = @TREE@; fileset = @TREE@/src; }}"',
    _LET + '"${fs.toSource { root = @TREE@; fileset = fs.unions [ @TREE@/src/main.c '
    '(fs.fileFilter (f: f.hasExt "nix") @TREE@) ]; }}"',
    _LET + '"${fs.toSource { root = @TREE@/src; fileset = fs.difference @TREE@/src '
    '(fs.fileFilter (f: f.hasExt "o") @TREE@/src); }}"',
    _LET + "map toString (fs.toList (fs.intersection @TREE@/src "
    '(fs.fileFilter (f: lib.hasPrefix "main" f.name) @TREE@)))',
    _LET + '"${lib.sources.cleanSource @TREE@}"',
    _LET + '"${lib.sources.cleanSourceWith { src = @TREE@; name = "named"; '
    'filter = path: type: type != "symlink"; }}"',
    _LET + '"${lib.sources.sourceByRegex @TREE@ [ "src" "src/.*\\\\.c" ]}"',
    _LET + '"${lib.sources.sourceFilesBySuffices @TREE@ [ ".nix" ".md" ]}"',
    _LET + "map toString (lib.filesystem.listFilesRecursive @TREE@)",
    _LET + 'map (p: "${p}") (lib.filesystem.listFilesRecursive @TREE@/docs)',
    _LET + "lib.mapAttrs (n: v: v) (builtins.readDir @TREE@)",
    _LET + "lib.filesystem.pathType @TREE@/result",
    _LET + '"${@TREE@}"',
]
