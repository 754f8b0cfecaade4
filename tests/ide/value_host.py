"""A minimal owner of live evaluation for tests of the IDE layer (no server).

``PACKAGES`` is the small nixpkgs-shaped package set the value tests
evaluate (``tests/data/value-pkgs``).
"""

from __future__ import annotations

from pathlib import Path

from nixls.ide.live import LiveEvaluator
from nixls.ide.workspace import OpenDocument, Workspace
from nixls.settings import Settings

LIB = Path(__file__).resolve().parents[1] / "data" / "corpus" / "nixpkgs-lib-26.11" / "lib"

PACKAGES = Path(__file__).resolve().parents[1] / "data" / "value-pkgs"


class Host:
    """Settings and files, as the server holds them."""

    def __init__(self, root: Path, auto_args: dict[str, str]) -> None:
        self.files = Workspace()
        self.files.roots = [str(root)]
        self.settings = Settings()
        self.settings.eval.auto_args = dict(auto_args)
        self.settings.eval.allowed_paths = [str(LIB), str(PACKAGES)]
        self.live = LiveEvaluator(self)

    def open(self, path: Path, text: str) -> OpenDocument:
        """Open ``path`` with ``text`` (written to disk too)."""
        path.write_text(text)
        return self.files.open(path.as_uri(), text, 1)
