"""A minimal owner of live evaluation for tests of the IDE layer (no server).

Also the small nixpkgs-shaped package set the value tests evaluate: a
`mkDerivation` over `derivation` that records ``meta.position`` as
nixpkgs does, and a package in its own file.
"""

from __future__ import annotations

from pathlib import Path

from nixls.ide.live import LiveEvaluator
from nixls.ide.workspace import OpenDocument, Workspace
from nixls.settings import Settings

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

PKGS = """let
  mkDerivation =
    { pname, version, meta ? { }, ... }@args:
    let
      pos = builtins.unsafeGetAttrPos "pname" args;
      drv = derivation {
        name = "${pname}-${version}";
        system = "x86_64-linux";
        builder = "/bin/sh";
        args = [ "-c" "echo > $out" ];
      };
    in
    drv // {
      inherit pname version;
      meta = meta // { position = "${pos.file}:${toString pos.line}"; };
    };
  callPackage = file: import file { inherit mkDerivation; };
in
{
  hello = callPackage ./hello.nix;
  # Fails when forced.
  broken = throw "broken package";
}
"""

HELLO = """{ mkDerivation }:
mkDerivation {
  pname = "hello";
  version = "2.12.2";
  meta.description = "A program that produces a familiar, friendly greeting";
}
"""


def write_packages(folder: Path) -> Path:
    """Write the package set into ``folder``; returns its main file."""
    folder.mkdir(parents=True, exist_ok=True)
    (folder / "hello.nix").write_text(HELLO)
    main = folder / "pkgs.nix"
    main.write_text(PKGS)
    return main


class Host:
    """Settings and files, as the server holds them."""

    def __init__(self, root: Path, auto_args: dict[str, str]) -> None:
        self.files = Workspace()
        self.files.roots = [str(root)]
        self.settings = Settings()
        self.settings.eval.auto_args = dict(auto_args)
        self.settings.eval.allowed_paths = [str(LIB)]
        self.live = LiveEvaluator(self)

    def open(self, path: Path, text: str) -> OpenDocument:
        """Open ``path`` with ``text`` (written to disk too)."""
        path.write_text(text)
        return self.files.open(path.as_uri(), text, 1)
